/**
 * Empirical distribution functions of validation error, as the design-space search computes them
 * (@cnnlab/search: F(e) = fraction of a space's models with error < e), drawn as step curves.
 */
import type { SearchComparison } from '../../server/types.js';

export interface EdfStep {
  error: number;
  /** F just above `error`: the fraction of models with error ≤ it. */
  fraction: number;
}

const round = (v: number) => Number(v.toFixed(4));

/** An x range for the curves: from a round value below the smallest error to one above the largest (5-point steps). */
export function edfRange(errors: readonly number[]): [number, number] {
  if (errors.length === 0) return [0, 1];
  const lo = Math.max(0, Math.ceil(Math.min(...errors) * 20 - 1e-9) / 20 - 0.05);
  const hi = Math.min(1, Math.floor(Math.max(...errors) * 20 + 1e-9) / 20 + 0.05);
  return [round(lo), round(Math.max(hi, Math.max(...errors)))];
}

/** The points of a step curve on [lo, hi]: 0 until the first error, up by 1/n at each, 1 after the last. */
export function edfPoints(steps: readonly EdfStep[], [lo, hi]: [number, number]): { x: number; y: number }[] {
  if (steps.length === 0) return [];
  return [{ x: lo, y: 0 }, ...steps.map((s) => ({ x: s.error, y: s.fraction })), { x: hi, y: 1 }];
}

const list = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/**
 * Which space is better on the whole, as the course says it: "AnyNetX_E's EDF lies above AnyNetX_A's: its
 * models are better on the whole"; else how the curves relate, pair by pair.
 */
export function dominanceText(comparison: SearchComparison, spaces: readonly { name: string; finished: number }[]): string {
  if (spaces.length < 2) return 'Only one design space: there is nothing to compare it with.';
  const empty = spaces.filter((s) => s.finished === 0).map((s) => s.name);
  if (empty.length) return `No finished models in ${list(empty)} yet: the spaces cannot be compared.`;
  const d = comparison.dominant;
  if (d) {
    const others = spaces.filter((s) => s.name !== d).map((s) => s.name);
    return `${d}'s EDF lies above ${others.length === 1 ? `${others[0]}'s` : `those of ${list(others)}`}: its models are better on the whole.`;
  }
  const parts = comparison.pairs.map(({ a, b, relation }) =>
    relation === 'a-dominates' ? `${a}'s EDF lies above ${b}'s`
      : relation === 'b-dominates' ? `${b}'s EDF lies above ${a}'s`
        : relation === 'equal' ? `${a} and ${b} have the same EDF` : `the EDFs of ${a} and ${b} cross`);
  const text = parts.join('; ');
  const verdict = comparison.pairs.length === 1 ? 'neither space is better on the whole' : 'no space is better than all the others on the whole';
  return `${text[0]!.toUpperCase()}${text.slice(1)}: ${verdict}.`;
}

/** F(e): the fraction of `errors` below `threshold` (every error counts at e ≥ 1), as @cnnlab/search's edfAt. */
export function edfAt(errors: readonly number[], threshold: number): number {
  if (errors.length === 0) return 0;
  if (threshold >= 1) return 1;
  return errors.filter((x) => x < threshold).length / errors.length;
}

/** A few round thresholds spanning the errors, the last above the largest (as `cnnlab search report` picks them). */
export function edfThresholds(errors: readonly number[], count = 5): number[] {
  if (errors.length === 0) return [];
  const lo = Math.floor(Math.min(...errors) * 20) / 20;
  const hi = Math.floor(Math.max(...errors) * 20) / 20 + 0.05;
  return [...new Set(Array.from({ length: count }, (_, i) => Number((lo + ((hi - lo) * (i + 1)) / count).toFixed(3))))];
}
