import { findBestEpoch, improvementThreshold } from './best-epoch.js';
import { relativeSlope } from './trend.js';
import type { EpochGap, EpochMetrics, FitDiagnosis, FitOptions, FitStatus, Overfitting, RecentRise, Underfitting, UnderfitReason } from './types.js';
import { fitVerdict } from './verdict.js';

type Settings = Required<Omit<FitOptions, 'attainableAccuracy' | 'classes'>> & Pick<FitOptions, 'attainableAccuracy' | 'classes'>;

const DEFAULTS = {
  patience: 2, minDelta: 0, minRelativeDelta: 0.005, minRise: 0.02, minTrainDrop: 0.02,
  window: 3, minSlope: 0.01, accuracyRatio: 0.8, minProgress: 0.1, minEpochs: 3,
} as const;

function settings(o: FitOptions): Settings {
  const s = { ...DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Settings;
  for (const key of ['patience', 'window', 'minEpochs'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 1) throw new Error(`${key} must be a positive integer, got ${s[key]}`);
  }
  return s;
}

const finite = (e: EpochMetrics): boolean => Number.isFinite(e.epoch) && Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss);

function gapsOf(history: readonly EpochMetrics[]): EpochGap[] {
  return history.map((e) => ({
    epoch: e.epoch,
    lossGap: e.valLoss - e.trainLoss,
    accGap: e.trainAcc !== undefined && e.valAcc !== undefined ? e.trainAcc - e.valAcc : null,
  }));
}

/** The first sustained validation-loss rise after the best epoch during which training loss fell. */
function findOverfitting(h: readonly EpochMetrics[], best: number, s: Settings): Overfitting | null {
  const base = h[best]!.valLoss;
  const limit = base + Math.max(s.minDelta, s.minRise * Math.abs(base));
  const above = (i: number): boolean => h[i]!.valLoss > limit;
  const drop = (i: number): number => (h[best]!.trainLoss - h[i]!.trainLoss) / Math.abs(h[best]!.trainLoss || 1);
  for (let i = best + 1; i < h.length; i++) {
    if (!above(i)) continue;
    let runEnd = i;
    while (runEnd + 1 < h.length && above(runEnd + 1)) runEnd++;
    if (runEnd - i + 1 >= s.patience && drop(runEnd) >= s.minTrainDrop) {
      let end = runEnd;
      for (let j = runEnd + 1; j < h.length; j++) if (above(j)) end = j;
      return {
        start: h[i]!.epoch,
        end: h[end]!.epoch,
        from: h[best]!.epoch,
        valLossRise: (h[end]!.valLoss - base) / Math.abs(base || 1),
        trainLossDrop: drop(end),
      };
    }
    i = runEnd;
  }
  return null;
}

/** Trailing epochs whose validation loss is above the best by the rise threshold, shorter than a sustained rise. */
function findRecentRise(h: readonly EpochMetrics[], best: number, s: Settings): RecentRise | null {
  const base = h[best]!.valLoss;
  const limit = base + Math.max(s.minDelta, s.minRise * Math.abs(base));
  let epochs = 0;
  for (let i = h.length - 1; i > best && h[i]!.valLoss > limit; i--) epochs++;
  if (epochs === 0) return null;
  const last = h[h.length - 1]!;
  return {
    epochs,
    valLossRise: (last.valLoss - base) / Math.abs(base || 1),
    valAccFrom: h[best]!.valAcc ?? null,
    valAccTo: last.valAcc ?? null,
  };
}

function findUnderfitting(h: readonly EpochMetrics[], s: Settings): Underfitting | null {
  const tail = h.slice(-s.window);
  const epochs = tail.map((e) => e.epoch);
  const trainLossSlope = relativeSlope(epochs, tail.map((e) => e.trainLoss));
  const valLossSlope = relativeSlope(epochs, tail.map((e) => e.valLoss));
  const first = h[0]!;
  const last = h[h.length - 1]!;
  const reasons: UnderfitReason[] = [];
  const stillFalling = trainLossSlope < -s.minSlope && valLossSlope < -s.minSlope;
  if (stillFalling) reasons.push('still-falling');
  const trainAcc = last.trainAcc ?? null;
  if (s.attainableAccuracy !== undefined && trainAcc !== null && trainAcc < s.accuracyRatio * s.attainableAccuracy) reasons.push('low-train-accuracy');
  if (s.classes !== undefined) {
    const high = 0.5 * Math.log(s.classes);
    if (last.trainLoss > high && last.valLoss > high) reasons.push('high-loss');
  } else if (!stillFalling) {
    const progress = (l: (e: EpochMetrics) => number) => (l(first) - l(last)) / Math.abs(l(first) || 1);
    if (progress((e) => e.trainLoss) < s.minProgress && progress((e) => e.valLoss) < s.minProgress) reasons.push('not-learning');
  }
  if (reasons.length === 0) return null;
  return { reasons, trainLossSlope, valLossSlope, trainAcc, attainableAccuracy: s.attainableAccuracy ?? null };
}

function statusOf(overfitting: Overfitting | null, underfitting: Underfitting | null, recentRise: RecentRise | null): FitStatus {
  if (overfitting) return 'overfitting';
  if (underfitting?.reasons.some((r) => r !== 'still-falling')) return 'underfitting';
  if (underfitting) return 'still-improving';
  return recentRise ? 'inconclusive' : 'good-fit';
}

/**
 * Diagnoses a run from its per-epoch metrics: the best epoch (robust to noise),
 * a sustained validation-loss rise while training loss falls (overfitting, with
 * the region to shade), losses still falling or training accuracy too low
 * (underfitting), a rise at the end too short to judge (inconclusive), the
 * generalization gap per epoch, a status and a one-line verdict.
 */
export function diagnoseFit(history: readonly EpochMetrics[], options: FitOptions = {}): FitDiagnosis {
  const s = settings(options);
  const h = history.filter(finite).sort((a, b) => a.epoch - b.epoch);
  const gaps = gapsOf(h);
  const empty = { bestEpoch: null, bestValLoss: null, minValLossEpoch: null, minValLoss: null, earlyStopEpoch: null };
  const found = h.length > 0 ? findBestEpoch(h, (b) => improvementThreshold(b, s), s.patience) : null;
  const bestFields = found
    ? {
      bestEpoch: h[found.best]!.epoch,
      bestValLoss: h[found.best]!.valLoss,
      minValLossEpoch: h[found.min]!.epoch,
      minValLoss: h[found.min]!.valLoss,
      earlyStopEpoch: found.stop >= 0 ? h[found.stop]!.epoch : null,
    }
    : empty;
  const enough = found !== null && h.length >= s.minEpochs;
  const overfitting = enough ? findOverfitting(h, found.best, s) : null;
  const underfitting = enough ? findUnderfitting(h, s) : null;
  const recentRise = enough && !overfitting ? findRecentRise(h, found.best, s) : null;
  const status: FitStatus = enough ? statusOf(overfitting, underfitting, recentRise) : 'insufficient-data';
  const diagnosis = { epochs: h.length, ...bestFields, overfitting, underfitting, recentRise, gaps, status };
  return { ...diagnosis, verdict: fitVerdict(diagnosis, h, s) };
}
