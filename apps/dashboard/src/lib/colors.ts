/** Run colours (Tableau 10, readable on white); a run keeps its colour by its position in the run list. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export function colorOf(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** A colour from a blue (low) to orange (high) ramp, for t in [0, 1]. */
export function ramp(t: number): string {
  const c = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0.5));
  const from = [49, 130, 189];
  const to = [230, 85, 13];
  const mix = from.map((f, i) => Math.round(f + (to[i]! - f) * c));
  return `rgb(${mix.join(',')})`;
}
