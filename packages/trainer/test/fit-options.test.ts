import { describe, expect, it } from 'vitest';
import { diagnoseFit, improvesBest } from '@cnnlab/analysis';
import { fitOptionsOf } from '../src/fit-options.js';

describe('fitOptionsOf', () => {
  it("takes the run's early-stopping patience and min-delta", () => {
    expect(fitOptionsOf({ earlyStopping: { enabled: true, patience: 5, minDelta: 0.01, restoreBest: true } })).toEqual({ patience: 5, minDelta: 0.01, minRelativeDelta: 0 });
  });

  it('uses patience 2 where the run has none to give (0, missing, not a config)', () => {
    expect(fitOptionsOf({ earlyStopping: { patience: 0, minDelta: 0 } })).toEqual({ patience: 2, minDelta: 0, minRelativeDelta: 0 });
    expect(fitOptionsOf({})).toEqual({ patience: 2, minDelta: 0, minRelativeDelta: 0 });
    expect(fitOptionsOf(null)).toEqual({ patience: 2, minDelta: 0, minRelativeDelta: 0 });
    expect(fitOptionsOf({ earlyStopping: { patience: 2.5, minDelta: -1 } })).toEqual({ patience: 2, minDelta: 0, minRelativeDelta: 0 });
  });
});

describe('one best epoch: the trainer rule and the diagnosis agree', () => {
  // The issue's Adam BN-LeNet shape: epoch 16 reaches 0.5975, epoch 23 beats it by 0.3% (< the analysis' default 0.5%).
  const valLoss = (epoch: number) => (epoch <= 16 ? 0.9 - 0.0189 * epoch : epoch === 23 ? 0.5956 : 0.5975 + 0.002 * ((epoch % 3) + 1));
  const history = Array.from({ length: 25 }, (_, i) => ({ epoch: i + 1, trainLoss: 1 - 0.03 * i, valLoss: valLoss(i + 1) }));

  it('gives the epoch the trainer checkpoints as best (improvesBest, epoch by epoch)', () => {
    const config = { earlyStopping: { enabled: false, patience: 3, minDelta: 0, restoreBest: true } };
    let best: number | null = null;
    let bestEpoch: number | null = null;
    for (const m of history) if (improvesBest(m.valLoss, best, fitOptionsOf(config))) [best, bestEpoch] = [m.valLoss, m.epoch];
    expect(bestEpoch).toBe(23);
    const d = diagnoseFit(history, fitOptionsOf(config));
    expect(d.bestEpoch).toBe(23);
    expect(d.overfitting === null || d.overfitting.start > 23).toBe(true);
    // The analysis' own default (for runs of other tools) keeps the earlier epoch: the cause of the disagreement.
    expect(diagnoseFit(history).bestEpoch).toBe(16);
  });
});
