import { tf } from '@cnnlab/core';
import type { BatchSource } from '../data/index.js';
import { batchGradients } from '../loop.js';
import { clipGradients, type ClipGrad } from '../optim/clip.js';
import { Optimizer, type OptimizerConfig } from '../optim/optimizers.js';
import { LrFindError } from './ramp.js';
import { SmoothedLoss } from './smoothed-loss.js';
import type { LrPoint } from './suggest.js';
import { trainingBatches } from '../data/augment/index.js';

export interface RangeTestSetup {
  model: tf.LayersModel;
  /** Training images; only full batches are used, so every step sees `batchSize` images. */
  source: BatchSource;
  batchSize: number;
  microBatch: number;
  classes: number;
  seed: number;
  optimizer: OptimizerConfig;
  labelSmoothing: number;
  clipGrad: ClipGrad;
  /** The learning rate of each step. */
  rates: readonly number[];
  /** Stop once the smoothed loss passes this multiple of the best one so far (fastai and Smith: 4). */
  divergence?: number;
  onStep?(point: LrPoint): void;
}

export type RangeTestStop = 'all steps' | 'diverged' | 'non-finite loss';

/**
 * Trains `model` one step per rate, from the lowest rate up, recording each batch's loss (taken before its
 * step) and its smoothed value, and stops when the smoothed loss diverges. The model is left as trained:
 * a range test's weights are thrown away.
 */
export function rangeTest(s: RangeTestSetup): { points: LrPoint[]; stoppedBy: RangeTestStop } {
  const perEpoch = Math.floor(s.source.size / s.batchSize);
  if (perEpoch === 0) throw new LrFindError(`the training split has ${s.source.size} images, fewer than one batch of ${s.batchSize}; use a smaller --batch-size`);
  const variables = s.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new Optimizer(s.optimizer, variables);
  const batches = trainingBatches(s.source, 'off', s.seed, s.classes);
  const smoothed = new SmoothedLoss();
  const divergence = s.divergence ?? 4;
  const points: LrPoint[] = [];
  let best = Infinity;
  let order: Uint32Array | null = null;
  try {
    for (let step = 0; step < s.rates.length; step++) {
      const epoch = Math.floor(step / perEpoch), batch = step % perEpoch;
      if (batch === 0) order = s.source.epochOrder(s.seed, epoch);
      const { loss, grads } = batchGradients(s.model, batches, order!, batch * s.batchSize, s.batchSize, epoch, s.microBatch, s.classes, variables, s.labelSmoothing);
      if (!Number.isFinite(loss)) {
        tf.dispose(grads);
        return { points, stoppedBy: 'non-finite loss' };
      }
      const lr = s.rates[step]!;
      optimizer.apply(clipGradients(grads, s.clipGrad).grads, lr);
      const point = { step, lr, loss, smoothedLoss: smoothed.add(loss) };
      points.push(point);
      s.onStep?.(point);
      best = Math.min(best, point.smoothedLoss);
      if (point.smoothedLoss > divergence * best) return { points, stoppedBy: 'diverged' };
    }
    return { points, stoppedBy: 'all steps' };
  } finally {
    optimizer.dispose();
  }
}
