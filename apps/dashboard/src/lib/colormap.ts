/** A continuous colour scale (viridis: perceptually uniform, readable in grey and by most colour-blind readers). */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** The colour at t in [0, 1] (clamped; NaN → the middle). */
export function viridis(t: number): string {
  const c = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0.5)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(c));
  const a = rgb(VIRIDIS[i]!);
  const b = rgb(VIRIDIS[i + 1]!);
  return `rgb(${a.map((v, k) => Math.round(v + (b[k]! - v) * (c - i))).join(',')})`;
}

/** CSS gradient of the whole scale, low to high (left to right). */
export const VIRIDIS_GRADIENT = `linear-gradient(to right, ${VIRIDIS.join(', ')})`;

/**
 * Whether a hyper-parameter's axis should be logarithmic: learning rates and weight decays always (they are
 * searched over decades), any positive values spanning 50× or more.
 */
export function logAxis(name: string, values: number[]): boolean {
  const positive = values.filter((v) => Number.isFinite(v));
  if (positive.length < 2 || positive.some((v) => v <= 0)) return false;
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  if (!(hi > lo)) return false;
  return /(^|[._/ ])(lr|learning[_ ]?rate|weight[_ ]?decay|wd)$/i.test(name) || hi / lo >= 50;
}
