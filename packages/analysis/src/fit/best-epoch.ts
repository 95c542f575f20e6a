import type { EpochMetrics } from './types.js';

export interface BestEpoch {
  /** Index into the history of the last epoch that improved the running best by more than the threshold. */
  best: number;
  /** Index of the raw minimum. */
  min: number;
  /** Index where early stopping would have stopped, or -1. */
  stop: number;
}

/** How much an epoch must beat the best validation loss by to improve on it: max(minDelta, minRelativeDelta·|best|). */
export function improvementThreshold(best: number, o: { minDelta?: number; minRelativeDelta?: number }): number {
  return Math.max(o.minDelta ?? 0, (o.minRelativeDelta ?? 0) * Math.abs(best));
}

/**
 * Whether a validation loss improves on the best so far (null: none yet). The one rule for the best epoch: the
 * trainer's early stopping and checkpoint of the best weights, report.json, and diagnoseFit with the same options.
 */
export function improvesBest(loss: number, best: number | null, o: { minDelta?: number; minRelativeDelta?: number }): boolean {
  if (!Number.isFinite(loss)) return false;
  return best === null || !Number.isFinite(best) || loss < best - improvementThreshold(best, o);
}

/**
 * Keras-style monitoring of validation loss: an epoch improves when it beats the
 * running best by more than `threshold(best)`; the best epoch is the last that did.
 */
export function findBestEpoch(history: readonly EpochMetrics[], threshold: (best: number) => number, patience: number): BestEpoch {
  let best = 0;
  let min = 0;
  let stop = -1;
  let wait = 0;
  for (let i = 1; i < history.length; i++) {
    const loss = history[i]!.valLoss;
    if (loss < history[min]!.valLoss) min = i;
    if (loss < history[best]!.valLoss - threshold(history[best]!.valLoss)) {
      best = i;
      wait = 0;
    } else if (++wait >= patience && stop < 0) {
      stop = i;
    }
  }
  return { best, min, stop };
}
