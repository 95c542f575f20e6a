import type { EpochMetrics } from '@cnnlab/trainer';
import type { SweepMetric } from './spec.js';

/** Whether metric value `a` is better than `b` (lower loss, higher accuracy). */
export function isBetter(metric: SweepMetric, a: number, b: number): boolean {
  return metric === 'valLoss' ? a < b : a > b;
}

/** The metric per epoch of a run's history. */
export function metricSeries(history: readonly EpochMetrics[], metric: SweepMetric): number[] {
  return history.map((m) => m[metric]);
}

/** Best value of a series (null when empty). */
export function bestOf(series: readonly number[], metric: SweepMetric): number | null {
  let best: number | null = null;
  for (const v of series) if (Number.isFinite(v) && (best === null || isBetter(metric, v, best))) best = v;
  return best;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface MedianRuleOptions {
  metric: SweepMetric;
  /** No decision during the first `warmup` epochs. */
  warmup: number;
  /** Completed trials with a value at the epoch needed for a decision. */
  minTrials: number;
  /** Planned epochs of the trial: no trial is stopped at its last epoch (stopping would save nothing). */
  epochs: number;
}

export interface MedianDecision {
  stop: boolean;
  /** 1-based epoch the decision is about. */
  epoch: number;
  /** The trial's best metric through that epoch. */
  best: number | null;
  /** Median of the completed trials' metric at that epoch (null: no decision). */
  median: number | null;
  /** Completed trials the median is over. */
  trials: number;
  reason: string;
}

/**
 * The median stopping rule (Golovin et al., 2017, as in Vizier/Optuna): at
 * epoch e (the length of `series`), after `warmup` epochs, stop the trial if
 * its best metric so far is worse than the median of the completed trials'
 * metric at epoch e. `completed` holds the completed trials' series.
 */
export function medianRuleDecision(series: readonly number[], completed: readonly (readonly number[])[], o: MedianRuleOptions): MedianDecision {
  const epoch = series.length;
  const best = bestOf(series, o.metric);
  const keep = (reason: string, m: number | null = null, trials = 0): MedianDecision => ({ stop: false, epoch, best, median: m, trials, reason });
  if (epoch <= o.warmup) return keep(`epoch ${epoch} is within the warm-up of ${o.warmup}`);
  if (epoch >= o.epochs) return keep('last epoch');
  const atEpoch = completed.filter((s) => s.length >= epoch && Number.isFinite(s[epoch - 1]!)).map((s) => s[epoch - 1]!);
  if (atEpoch.length < o.minTrials) return keep(`${atEpoch.length} completed trial(s) reached epoch ${epoch}; ${o.minTrials} needed`, null, atEpoch.length);
  const m = median(atEpoch);
  const name = o.metric === 'valLoss' ? 'validation loss' : 'validation accuracy';
  if (best === null || isBetter(o.metric, m, best)) {
    return {
      stop: true, epoch, best, median: m, trials: atEpoch.length,
      reason: `median rule: best ${name} ${best?.toFixed(4) ?? 'none'} after epoch ${epoch} is worse than the median ${m.toFixed(4)} of ${atEpoch.length} completed trial(s)`,
    };
  }
  return keep(`best ${name} ${best.toFixed(4)} is not worse than the median ${m.toFixed(4)}`, m, atEpoch.length);
}

/** The first epoch of a recorded series at which the median rule stops the trial (after a restart, the decisions are replayed). */
export function firstMedianStop(series: readonly number[], completed: readonly (readonly number[])[], o: MedianRuleOptions): MedianDecision | null {
  for (let e = 1; e <= series.length; e++) {
    const d = medianRuleDecision(series.slice(0, e), completed, o);
    if (d.stop) return d;
  }
  return null;
}

/** Epochs of each rung of successive halving: r, r·η, r·η², … below maxEpochs, then maxEpochs. */
export function halvingRungs(o: { eta: number; minEpochs: number; maxEpochs: number }): number[] {
  const rungs: number[] = [];
  for (let e = o.minEpochs; e < o.maxEpochs; e *= o.eta) rungs.push(e);
  rungs.push(o.maxEpochs);
  return rungs;
}

export interface RungCandidate {
  index: number;
  /** Best metric through the rung's epochs; null for a failed trial (never promoted). */
  value: number | null;
}

/**
 * Successive halving's cut after a rung: the best max(1, ⌊n/η⌋) of the n
 * trials that entered it go on (ties: the lower trial index), the rest stop.
 */
export function halvingPromotion(candidates: readonly RungCandidate[], eta: number, metric: SweepMetric): { promoted: number[]; stopped: number[] } {
  const keep = Math.max(1, Math.floor(candidates.length / eta));
  const ranked = candidates
    .filter((c) => c.value !== null && Number.isFinite(c.value))
    .sort((a, b) => (a.value === b.value ? a.index - b.index : isBetter(metric, a.value!, b.value!) ? -1 : 1));
  const promoted = ranked.slice(0, keep).map((c) => c.index).sort((a, b) => a - b);
  const stopped = candidates.map((c) => c.index).filter((i) => !promoted.includes(i)).sort((a, b) => a - b);
  return { promoted, stopped };
}
