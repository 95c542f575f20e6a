/**
 * Empirical distribution functions of model errors (Radosavovic et al., 2019/2020;
 * d2l 8.8.2): F(e) = fraction of the n models whose error is below e. A design
 * space whose EDF lies above another's everywhere has more good models: it dominates.
 */

export interface EdfPoint {
  /** Error threshold e in [0, 1]. */
  threshold: number;
  /** The same threshold in per-mille (0…1000): the step of the TensorBoard scalars. */
  perMille: number;
  /** F(e): fraction of models with error < e (F(1) = 1: every error is at most 1). */
  fraction: number;
}

/** F(e) = |{i : error_i < e}| / n; at e ≥ 1 every model counts (errors are fractions ≤ 1). */
export function edfAt(errors: readonly number[], threshold: number): number {
  if (errors.length === 0) return 0;
  if (threshold >= 1) return 1;
  return errors.filter((x) => x < threshold).length / errors.length;
}

/** F on a grid of thresholds 0, step, 2·step, … 1000 per mille (default every 10‰ = 1 percentage point). */
export function edfCurve(errors: readonly number[], stepPerMille = 10): EdfPoint[] {
  if (!Number.isInteger(stepPerMille) || stepPerMille < 1 || stepPerMille > 1000) throw new Error(`EDF step must be an integer 1…1000 per mille, got ${stepPerMille}`);
  const points: EdfPoint[] = [];
  for (let m = 0; m <= 1000; m += stepPerMille) points.push({ threshold: m / 1000, perMille: m, fraction: edfAt(errors, m / 1000) });
  if (points.at(-1)!.perMille !== 1000) points.push({ threshold: 1, perMille: 1000, fraction: 1 });
  return points;
}

/** The exact step function: for each distinct error e (ascending), the fraction of models with error ≤ e (F just above e). */
export function edfSteps(errors: readonly number[]): { error: number; fraction: number }[] {
  const sorted = [...errors].sort((a, b) => a - b);
  const steps: { error: number; fraction: number }[] = [];
  sorted.forEach((e, i) => {
    if (i + 1 < sorted.length && sorted[i + 1] === e) return;
    steps.push({ error: e, fraction: (i + 1) / sorted.length });
  });
  return steps;
}

export type EdfRelation = 'a-dominates' | 'b-dominates' | 'equal' | 'cross';

/**
 * Compares two EDFs exactly (at every error either set holds, from below and
 * above): 'a-dominates' when F_a ≥ F_b everywhere and > somewhere.
 */
export function compareEdfs(a: readonly number[], b: readonly number[]): EdfRelation {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 'equal' : a.length ? 'a-dominates' : 'b-dominates';
  const points = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const below = (xs: readonly number[], t: number) => xs.filter((x) => x < t).length / xs.length;
  const atOrBelow = (xs: readonly number[], t: number) => xs.filter((x) => x <= t).length / xs.length;
  let aAbove = false, bAbove = false;
  for (const t of points) {
    for (const [fa, fb] of [[below(a, t), below(b, t)], [atOrBelow(a, t), atOrBelow(b, t)]] as const) {
      if (fa > fb + 1e-12) aAbove = true;
      if (fb > fa + 1e-12) bAbove = true;
    }
  }
  if (aAbove && bAbove) return 'cross';
  if (aAbove) return 'a-dominates';
  if (bAbove) return 'b-dominates';
  return 'equal';
}

/** The space whose EDF dominates every other's (null when none does). */
export function dominantSpace(spaces: readonly { name: string; errors: readonly number[] }[]): string | null {
  if (spaces.length < 2) return null;
  for (const s of spaces) {
    if (s.errors.length && spaces.every((o) => o === s || compareEdfs(s.errors, o.errors) === 'a-dominates')) return s.name;
  }
  return null;
}

export function summaryStats(values: readonly number[]): { min: number; median: number; mean: number; max: number } | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { min: s[0]!, median: s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2, mean: s.reduce((a, b) => a + b, 0) / s.length, max: s.at(-1)! };
}
