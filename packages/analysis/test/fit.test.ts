import { describe, expect, it } from 'vitest';
import { diagnoseFit, improvesBest, type EpochMetrics } from '../src/index.js';
import { densenetRun, resnet18Run } from './fixtures/runs.js';

const curve = (train: number[], val: number[], extra: (i: number) => Partial<EpochMetrics> = () => ({})): EpochMetrics[] =>
  train.map((t, i) => ({ epoch: i + 1, trainLoss: t, valLoss: val[i]!, ...extra(i) }));

describe('diagnoseFit on synthetic curves', () => {
  it('finds the minimum of a clean U-shaped validation loss and the overfitting after it', () => {
    const h = curve(
      [1.1, 0.75, 0.55, 0.42, 0.33, 0.26, 0.2, 0.15, 0.11, 0.08],
      [1.0, 0.7, 0.5, 0.4, 0.38, 0.41, 0.46, 0.52, 0.6, 0.7],
    );
    const d = diagnoseFit(h);
    expect(d.bestEpoch).toBe(5);
    expect(d.minValLossEpoch).toBe(5);
    expect(d.status).toBe('overfitting');
    expect(d.overfitting).toMatchObject({ start: 6, end: 10, from: 5 });
    expect(d.overfitting!.valLossRise).toBeCloseTo(0.7 / 0.38 - 1, 10);
    expect(d.overfitting!.trainLossDrop).toBeCloseTo((0.33 - 0.08) / 0.33, 10);
    expect(d.earlyStopEpoch).toBe(7);
    expect(d.verdict).toBe('Overfitting from epoch 6: validation loss rose 84% above its minimum at epoch 5 while training loss fell 76%; keep the weights of epoch 5.');
  });

  it('does not call a single noisy spike overfitting', () => {
    const h = curve(
      [1.2, 0.8, 0.6, 0.5, 0.44, 0.4, 0.37, 0.35, 0.33, 0.31],
      [1.0, 0.7, 0.55, 0.62, 0.48, 0.45, 0.43, 0.42, 0.415, 0.41],
    );
    const d = diagnoseFit(h);
    expect(d.overfitting).toBeNull();
    expect(d.status).not.toBe('overfitting');
    expect(d.bestEpoch).toBe(10);
  });

  it('does not call a spike right after the minimum overfitting when the loss recovers', () => {
    const h = curve(
      [0.9, 0.6, 0.5, 0.42, 0.38, 0.35, 0.33, 0.31, 0.29, 0.27],
      [0.5, 0.4, 0.35, 0.3, 0.36, 0.29, 0.288, 0.287, 0.288, 0.289],
    );
    const d = diagnoseFit(h);
    expect(d.overfitting).toBeNull();
    expect(d.status).toBe('good-fit');
    expect(d.verdict).toBe('Good fit: validation loss levelled off at 0.288 (best epoch 7) with no sustained rise; final gap 0.019 (validation − training loss).');
  });

  it('ignores wobbles within the rise tolerance', () => {
    const h = curve([0.6, 0.45, 0.38, 0.33, 0.3, 0.28, 0.26, 0.25], [0.5, 0.42, 0.4, 0.403, 0.405, 0.401, 0.404, 0.406]);
    const d = diagnoseFit(h);
    expect(d.overfitting).toBeNull();
    expect(d.status).toBe('good-fit');
    expect(diagnoseFit(h, { minRise: 0.005 }).status).toBe('overfitting');
  });

  it('calls monotone decreasing losses still-improving, or underfitting when training accuracy is far from attainable', () => {
    const epochs = 8;
    const train = Array.from({ length: epochs }, (_, i) => 2.0 * 0.8 ** i);
    const val = Array.from({ length: epochs }, (_, i) => 1.9 * 0.82 ** i);
    const h = curve(train, val, (i) => ({ trainAcc: 0.3 + 0.05 * i, valAcc: 0.3 + 0.045 * i }));
    const d = diagnoseFit(h);
    expect(d.status).toBe('still-improving');
    expect(d.overfitting).toBeNull();
    expect(d.underfitting!.reasons).toEqual(['still-falling']);
    expect(d.underfitting!.trainLossSlope).toBeLessThan(-0.1);
    expect(d.bestEpoch).toBe(8);
    expect(d.verdict).toMatch(/^Still improving: training and validation loss fell \d+% and \d+% per epoch over the last 3 epochs; train for more epochs \(best so far: epoch 8\)\.$/);

    const under = diagnoseFit(h, { attainableAccuracy: 0.91 });
    expect(under.status).toBe('underfitting');
    expect(under.underfitting).toMatchObject({ reasons: ['still-falling', 'low-train-accuracy'], trainAcc: 0.65, attainableAccuracy: 0.91 });
    expect(under.verdict).toMatch(/^Underfitting: training accuracy 0\.650 is below 80% of the attainable 0\.910; both losses are still falling .*; train for more epochs or with a higher learning rate\.$/);
    expect(diagnoseFit(h, { attainableAccuracy: 0.8 }).status).toBe('still-improving');
  });

  it('calls flat high losses underfitting', () => {
    const h = curve([2.31, 2.3, 2.3, 2.29, 2.3, 2.29], [2.3, 2.31, 2.3, 2.3, 2.31, 2.3]);
    const d = diagnoseFit(h);
    expect(d.status).toBe('underfitting');
    expect(d.underfitting!.reasons).toEqual(['not-learning']);
    expect(d.overfitting).toBeNull();
    expect(d.verdict).toMatch(/^Underfitting: training loss barely moved \(0\.9% lower after 6 epochs\); try a higher learning rate/);
    const withClasses = diagnoseFit(h, { classes: 10 });
    expect(withClasses.underfitting!.reasons).toEqual(['high-loss']);
    expect(withClasses.verdict).toMatch(/above half the chance level 2\.303/);
  });

  it('does not call flat low losses underfitting when the chance level says they are low', () => {
    const h = curve([0.2, 0.2, 0.199, 0.2, 0.2], [0.25, 0.25, 0.251, 0.25, 0.25]);
    expect(diagnoseFit(h, { classes: 10 }).status).toBe('good-fit');
  });

  it('reports insufficient data for too few epochs, still giving what it can', () => {
    const two = diagnoseFit(curve([1.0, 0.7], [0.9, 0.8]));
    expect(two.status).toBe('insufficient-data');
    expect(two.bestEpoch).toBe(2);
    expect(two.overfitting).toBeNull();
    expect(two.underfitting).toBeNull();
    expect(two.gaps).toHaveLength(2);
    expect(two.verdict).toBe('Insufficient data: 2 epochs recorded; at least 3 are needed to judge the fit.');
    const none = diagnoseFit([]);
    expect(none).toMatchObject({ status: 'insufficient-data', bestEpoch: null, minValLoss: null, epochs: 0, gaps: [] });
    expect(none.verdict).toMatch(/no epochs/);
    expect(diagnoseFit(curve([1.0, 0.7, 0.6], [0.9, 0.8, 0.7]), { minEpochs: 5 }).status).toBe('insufficient-data');
  });

  it('requires the rise to last `patience` epochs', () => {
    const h = curve([1.0, 0.7, 0.55, 0.45, 0.38, 0.33, 0.29], [0.9, 0.7, 0.6, 0.55, 0.52, 0.56, 0.58]);
    expect(diagnoseFit(h).overfitting).toMatchObject({ start: 6, end: 7 });
    const patient = diagnoseFit(h, { patience: 3 });
    expect(patient.overfitting).toBeNull();
    expect(patient.status).toBe('inconclusive');
    expect(patient.recentRise).toMatchObject({ epochs: 2 });
    expect(patient.verdict).toBe('Inconclusive: validation loss jumped in the last 2 epochs; train longer. It is 12% above its best at epoch 5; fewer epochs than the patience (3) to call it overfitting.');
  });

  it('calls a jump of validation loss in the last epoch inconclusive, not a good fit (the quickstart\'s lenet run)', () => {
    // The quickstart's history: validation loss up 61% and accuracy 0.8275 → 0.7271 in the last epoch, patience 2
    const h = curve([1.05, 0.62, 0.52, 0.46], [0.72, 0.52, 0.47, 0.7567], (i) => ({ valAcc: [0.71, 0.79, 0.8275, 0.7271][i]! }));
    const d = diagnoseFit(h, { patience: 2 });
    expect(d.status).toBe('inconclusive');
    expect(d.overfitting).toBeNull();
    expect(d.recentRise).toEqual({ epochs: 1, valLossRise: expect.closeTo(0.61, 2), valAccFrom: 0.8275, valAccTo: 0.7271 });
    expect(d.verdict).toBe('Inconclusive: validation loss jumped in the last epoch; train longer. It is 61% above its best at epoch 3, validation accuracy 0.828 → 0.727; fewer epochs than the patience (2) to call it overfitting.');
    expect(d.verdict).not.toMatch(/good fit/i);
    // One more epoch above the best makes it overfitting; a recovery makes it a good fit
    expect(diagnoseFit([...h, { epoch: 5, trainLoss: 0.42, valLoss: 0.8 }], { patience: 2 }).status).toBe('overfitting');
    expect(diagnoseFit([...h, { epoch: 5, trainLoss: 0.42, valLoss: 0.465 }], { patience: 2 }).status).toBe('good-fit');
  });

  it('keeps the best epoch at the last meaningful improvement and reports the raw minimum too', () => {
    const h = curve([1, 0.8, 0.7, 0.62, 0.56, 0.52, 0.5], [0.6, 0.4, 0.3, 0.301, 0.2995, 0.3005, 0.2998]);
    const d = diagnoseFit(h);
    expect(d.bestEpoch).toBe(3);
    expect(d.bestValLoss).toBe(0.3);
    expect(d.minValLossEpoch).toBe(5);
    expect(d.minValLoss).toBe(0.2995);
    expect(diagnoseFit(h, { minRelativeDelta: 0 }).bestEpoch).toBe(5);
    expect(diagnoseFit(h, { minRelativeDelta: 0, minDelta: 0.01 }).bestEpoch).toBe(3);
  });

  it('does not call a rise overfitting when training loss rises too (unstable training)', () => {
    const h = curve([1.0, 0.7, 0.5, 0.55, 0.62, 0.7], [0.9, 0.7, 0.55, 0.6, 0.66, 0.75]);
    expect(diagnoseFit(h).overfitting).toBeNull();
  });

  it('shades the whole region up to the last epoch above the minimum', () => {
    const h = curve([1, 0.8, 0.6, 0.5, 0.4, 0.32, 0.25, 0.2, 0.16], [0.9, 0.7, 0.5, 0.56, 0.58, 0.505, 0.6, 0.62, 0.503]);
    expect(diagnoseFit(h).overfitting).toMatchObject({ start: 4, end: 8 });
  });

  it('computes the generalization gap per epoch', () => {
    const h = curve([0.5, 0.3, 0.2], [0.45, 0.35, 0.33], (i) => (i < 2 ? { trainAcc: 0.8 + 0.05 * i, valAcc: 0.82 } : {}));
    const { gaps } = diagnoseFit(h);
    expect(gaps.map((g) => g.epoch)).toEqual([1, 2, 3]);
    expect(gaps[0]!.lossGap).toBeCloseTo(-0.05, 12);
    expect(gaps[2]!.lossGap).toBeCloseTo(0.13, 12);
    expect(gaps[0]!.accGap).toBeCloseTo(-0.02, 12);
    expect(gaps[1]!.accGap).toBeCloseTo(0.03, 12);
    expect(gaps[2]!.accGap).toBeNull();
  });

  it('sorts epochs and leaves out entries with non-finite losses', () => {
    const h = curve([1.1, 0.75, 0.55, 0.42, 0.33, 0.26, 0.2], [1.0, 0.7, 0.5, 0.4, 0.38, 0.45, 0.5]);
    const messy = [...h.slice(3), { epoch: 8, trainLoss: Number.NaN, valLoss: Number.NaN }, ...h.slice(0, 3)];
    const d = diagnoseFit(messy);
    expect(d.epochs).toBe(7);
    expect(d.bestEpoch).toBe(5);
    expect(d.overfitting).toMatchObject({ start: 6, end: 7 });
  });

  it('uses the epoch numbers it is given (0-based runs too)', () => {
    const h = curve([1.1, 0.75, 0.55, 0.42, 0.33, 0.26], [1.0, 0.7, 0.5, 0.55, 0.6, 0.66]).map((e) => ({ ...e, epoch: e.epoch - 1 }));
    expect(diagnoseFit(h).overfitting).toMatchObject({ start: 3, end: 5, from: 2 });
  });

  it('rejects a patience that is not a positive integer', () => {
    expect(() => diagnoseFit([], { patience: 0 })).toThrow(/patience must be a positive integer/);
  });
});

describe('diagnoseFit on d2l runs', () => {
  it('ResNet-18: best epoch 3, overfitting from epoch 4 while training loss falls to 0.026', () => {
    const d = diagnoseFit(resnet18Run);
    expect(resnet18Run.at(-1)!.trainLoss).toBe(0.026);
    expect(d.bestEpoch).toBe(3);
    expect(d.minValLossEpoch).toBe(3);
    expect(d.status).toBe('overfitting');
    expect(d.overfitting).toMatchObject({ start: 4, end: 10, from: 3 });
    expect(d.earlyStopEpoch).toBe(5);
    expect(d.verdict).toBe('Overfitting from epoch 4: validation loss rose 56% above its minimum at epoch 3 while training loss fell 87%; keep the weights of epoch 3.');
    expect(d.gaps.at(-1)!.accGap).toBeCloseTo(0.993 - 0.891, 12);
    // A longer patience does not move the start: the rise is sustained from epoch 4.
    expect(diagnoseFit(resnet18Run, { patience: 4 }).overfitting!.start).toBe(4);
  });

  it('DenseNet: best epoch 8, a two-epoch rise after it', () => {
    const d = diagnoseFit(densenetRun);
    expect(d.bestEpoch).toBe(8);
    expect(d.minValLossEpoch).toBe(8);
    expect(d.overfitting).toMatchObject({ start: 9, end: 10, from: 8 });
    expect(d.status).toBe('overfitting');
    expect(d.verdict).toMatch(/^Overfitting from epoch 9: validation loss rose 7\.4% above its minimum at epoch 8 while training loss fell 13%; keep the weights of epoch 8\.$/);
    const patient = diagnoseFit(densenetRun, { patience: 3 });
    expect(patient.status).toBe('inconclusive'); // the two-epoch rise is shorter than the patience
    expect(patient.bestEpoch).toBe(8);
  });
});

describe('improvesBest', () => {
  it('uses the same threshold as diagnoseFit and never takes a non-finite loss', () => {
    expect(improvesBest(1, null, {})).toBe(true);
    expect(improvesBest(0.999, 1, { minRelativeDelta: 0.005 })).toBe(false);
    expect(improvesBest(0.99, 1, { minRelativeDelta: 0.005 })).toBe(true);
    expect(improvesBest(0.95, 1, { minDelta: 0.1 })).toBe(false);
    expect(improvesBest(Number.NaN, null, {})).toBe(false);
  });
});
