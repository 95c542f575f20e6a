import { describe, expect, it } from 'vitest';
import {
  compareEdfs, dominantSpace, edfAt, edfCurve, edfSteps, firstMedianStop, halvingPromotion, halvingRungs, medianRuleDecision, reportThresholds,
} from '../src/index.js';

const rule = { metric: 'valLoss' as const, warmup: 1, minTrials: 2, epochs: 5 };
// Completed trials' validation losses per epoch.
const completed = [
  [1.0, 0.8, 0.6, 0.5, 0.45],
  [1.2, 0.9, 0.7, 0.6, 0.55],
  [0.9, 0.7, 0.5, 0.4, 0.35],
];

describe('median stopping rule', () => {
  it('stops a trial whose best loss so far is worse than the median of the completed trials at that epoch', () => {
    const d = medianRuleDecision([1.1, 0.95], completed, rule);
    expect(d).toMatchObject({ stop: true, epoch: 2, best: 0.95, median: 0.8, trials: 3 });
    expect(d.reason).toMatch(/best validation loss 0\.9500 after epoch 2 is worse than the median 0\.8000 of 3 completed trial/);
    expect(medianRuleDecision([1.1, 0.75], completed, rule).stop).toBe(false);
    // Its best so far counts, not its last value.
    expect(medianRuleDecision([1.1, 0.55, 0.9], completed, rule)).toMatchObject({ stop: false, best: 0.55, median: 0.6 });
  });

  it('waits for the warm-up, for enough completed trials, and never stops at the last epoch', () => {
    expect(medianRuleDecision([5], completed, rule)).toMatchObject({ stop: false, reason: 'epoch 1 is within the warm-up of 1' });
    expect(medianRuleDecision([5, 5], completed.slice(0, 1), rule)).toMatchObject({ stop: false, trials: 1 });
    expect(medianRuleDecision([5, 5, 5, 5, 5], completed, rule).stop).toBe(false);
    expect(medianRuleDecision([5, 5], completed, { ...rule, warmup: 2 }).stop).toBe(false);
    expect(medianRuleDecision([5, 5, 5], completed, { ...rule, warmup: 2 }).stop).toBe(true);
  });

  it('works on accuracy (higher is better) and replays on a recorded history', () => {
    const acc = completed.map((s) => s.map((l) => 1 - l / 2));
    expect(medianRuleDecision([0.4, 0.5], acc, { ...rule, metric: 'valAcc' }).stop).toBe(true);
    expect(medianRuleDecision([0.4, 0.7], acc, { ...rule, metric: 'valAcc' }).stop).toBe(false);
    expect(firstMedianStop([1.0, 0.75, 0.72, 0.71], completed, rule)).toMatchObject({ stop: true, epoch: 3 });
    expect(firstMedianStop([1.0, 0.75, 0.55], completed, rule)).toBeNull();
  });
});

describe('successive halving', () => {
  it('plans rungs r, r·η, … up to the maximum', () => {
    expect(halvingRungs({ eta: 2, minEpochs: 1, maxEpochs: 4 })).toEqual([1, 2, 4]);
    expect(halvingRungs({ eta: 3, minEpochs: 1, maxEpochs: 4 })).toEqual([1, 3, 4]);
    expect(halvingRungs({ eta: 3, minEpochs: 2, maxEpochs: 2 })).toEqual([2]);
  });

  it('keeps the best max(1, ⌊n/η⌋) by the metric (ties: lower index); failed trials are never promoted', () => {
    const candidates = [{ index: 0, value: 0.9 }, { index: 1, value: 0.5 }, { index: 2, value: null }, { index: 3, value: 0.5 }, { index: 4, value: 0.7 }, { index: 5, value: 1.2 }];
    expect(halvingPromotion(candidates, 2, 'valLoss')).toEqual({ promoted: [1, 3, 4], stopped: [0, 2, 5] });
    expect(halvingPromotion(candidates, 3, 'valLoss')).toEqual({ promoted: [1, 3], stopped: [0, 2, 4, 5] });
    expect(halvingPromotion(candidates, 4, 'valAcc')).toEqual({ promoted: [5], stopped: [0, 1, 2, 3, 4] });
    expect(halvingPromotion(candidates.slice(0, 2), 3, 'valLoss')).toEqual({ promoted: [1], stopped: [0] });
  });
});

describe('empirical distribution functions', () => {
  const a = [0.2, 0.3, 0.3, 0.6];
  it('F(e) is the fraction of errors below e, rising from 0 to 1', () => {
    expect([0, 0.2, 0.25, 0.3, 0.31, 0.6, 0.61, 1].map((e) => edfAt(a, e))).toEqual([0, 0, 0.25, 0.25, 0.75, 0.75, 1, 1]);
    const curve = edfCurve(a, 100);
    expect(curve.map((p) => p.perMille)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(curve.map((p) => p.fraction)).toEqual([0, 0, 0, 0.25, 0.75, 0.75, 0.75, 1, 1, 1, 1]);
    expect(edfSteps(a)).toEqual([{ error: 0.2, fraction: 0.25 }, { error: 0.3, fraction: 0.75 }, { error: 0.6, fraction: 1 }]);
  });

  it('compares EDFs exactly: dominance, crossing, equality', () => {
    expect(compareEdfs([0.1, 0.2], [0.3, 0.4])).toBe('a-dominates');
    expect(compareEdfs([0.3, 0.4], [0.1, 0.2])).toBe('b-dominates');
    expect(compareEdfs([0.1, 0.5], [0.2, 0.3])).toBe('cross');
    expect(compareEdfs([0.2, 0.3], [0.3, 0.2])).toBe('equal');
    expect(compareEdfs([0.2, 0.3], [0.2, 0.31])).toBe('a-dominates');
    expect(dominantSpace([{ name: 'A', errors: [0.3, 0.5] }, { name: 'E', errors: [0.2, 0.4] }, { name: 'B', errors: [0.25, 0.45] }])).toBe('E');
    expect(dominantSpace([{ name: 'A', errors: [0.1, 0.5] }, { name: 'E', errors: [0.2, 0.3] }])).toBeNull();
  });

  it('reports at round thresholds above the largest error', () => {
    const t = reportThresholds([0.26, 0.62]);
    expect(t.at(-1)!).toBeGreaterThan(0.62);
    expect(t[0]!).toBeGreaterThan(0.25);
  });
});
