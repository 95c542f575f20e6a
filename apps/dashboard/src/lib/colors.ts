import { RUN_COLORS } from './run-style.js';

/** Colours by position (sweep trials, search spaces): the run palette, each ≥ 3:1 against white, none grey. */
export const PALETTE = RUN_COLORS;

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
