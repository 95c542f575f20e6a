/** Why a range test's settings cannot work; `field` names the option (a CLI flag or an options field). */
export class LrFindError extends Error {
  override name = 'LrFindError';
}

export interface LrRange {
  /** First learning rate tried. */
  min: number;
  /** Last learning rate tried (reached at the last step). */
  max: number;
  /** Optimizer steps, one learning rate each. */
  steps: number;
}

export const DEFAULT_LR_RANGE: Readonly<LrRange> = Object.freeze({ min: 1e-7, max: 10, steps: 100 });

export function validateLrRange(r: LrRange, names: Record<keyof LrRange, string> = { min: 'min', max: 'max', steps: 'steps' }): void {
  for (const key of ['min', 'max'] as const) {
    if (typeof r[key] !== 'number' || !Number.isFinite(r[key]) || r[key] <= 0) throw new LrFindError(`${names[key]} must be a positive number, got ${r[key]}`);
  }
  if (r.min >= r.max) throw new LrFindError(`${names.min} (${r.min}) must be smaller than ${names.max} (${r.max})`);
  // fastai's LRFinder likewise refuses fewer than 6 iterations: the suggestion drops the curve's first tenth and last 5 points.
  if (!Number.isInteger(r.steps) || r.steps < 10) throw new LrFindError(`${names.steps} must be an integer ≥ 10, got ${r.steps}`);
}

/** The exponential ramp of Smith (2017) and fastai: step i of n uses min·(max/min)^(i/(n−1)), both ends included. */
export function exponentialRates({ min, max, steps }: LrRange): number[] {
  return Array.from({ length: steps }, (_, i) => min * (max / min) ** (i / (steps - 1)));
}
