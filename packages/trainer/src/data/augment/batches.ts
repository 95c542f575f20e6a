import { tf } from '@cnnlab/core';
import { toModelInput, type BatchSource } from '../batches.js';
import { normalizationTable } from '../normalization.js';
import { gatherAugmented, type AugmentedGather } from './gather.js';
import { Augmenter } from './pipeline.js';
import { AugmentPrefetcher, PREFETCH_MAX_BYTES } from './prefetch.js';
import { isAugmenting, parseAugment } from './spec.js';

/** A training batch: int32 class indices, or (after mixup/cutmix) float32 soft targets n × classes. */
export interface TrainBatch {
  x: tf.Tensor4D;
  y: tf.Tensor1D | tf.Tensor2D;
}

/** Where the training loop gets its batches: the epoch matters to augmentation only. */
export interface TrainBatches {
  readonly augmenter: Augmenter | null;
  batch(order: ArrayLike<number>, start: number, size: number, epoch: number): TrainBatch;
  /** Stops the prefetch thread, if any. */
  close?(): void;
}

export interface TrainingBatchesOptions {
  /**
   * Augment the next batch in a worker thread while the current one trains (same results, bit for bit);
   * off with CNNLAB_AUGMENT_THREAD=0, and for data sets over PREFETCH_MAX_BYTES.
   */
  prefetch?: boolean;
}

/**
 * The training batches of `source` augmented by `spec` (a plan's text, e.g.
 * from the run's config): uint8 images gathered, augmented on the CPU at the
 * data's size, normalised, mixed, then uploaded and resized like any batch.
 * With no augmentation it is `source` itself, so such runs are unchanged.
 */
export function trainingBatches(source: BatchSource, spec: string | undefined, seed: number, classes: number, options: TrainingBatchesOptions = {}): TrainBatches {
  const plan = parseAugment(spec ?? 'off');
  if (!isAugmenting(plan)) return { augmenter: null, batch: (order, start, size) => source.batch(order, start, size) };
  const prefetch = Boolean(options.prefetch) && process.env.CNNLAB_AUGMENT_THREAD !== '0' && source.dataset.images.byteLength <= PREFETCH_MAX_BYTES;
  return new AugmentedBatches(source, new Augmenter(plan, seed, fillBytes(source)), classes, { prefetch });
}

/** The training mean per channel as bytes: what random erasing fills with (0 once normalised). */
function fillBytes(source: BatchSource): number[] {
  const { channels } = source.dataset;
  const mean = source.normalization?.mean ?? new Array<number>(channels).fill(0);
  return Array.from({ length: channels }, (_, c) => Math.min(255, Math.max(0, Math.round(mean[c]! * 255))));
}

export class AugmentedBatches implements TrainBatches {
  private readonly lut: Float32Array;
  /** The prefetch thread, when on. */
  readonly prefetcher: AugmentPrefetcher | null;

  constructor(readonly source: BatchSource, readonly augmenter: Augmenter, readonly classes: number, options: TrainingBatchesOptions = {}) {
    this.lut = normalizationTable(source.dataset.channels, source.normalization);
    this.prefetcher = options.prefetch ? new AugmentPrefetcher(source.dataset, this.lut, augmenter, classes, source.batchSize) : null;
  }

  /** The batch as plain arrays; `here` computes it on this thread (a one-off, e.g. the sample grid, that should not disturb the prefetch). */
  gather(order: ArrayLike<number>, start: number, size: number, epoch: number, here = false): AugmentedGather {
    if (!here && this.prefetcher?.active) return this.prefetcher.gather(order, start, size, epoch);
    return gatherAugmented(this.source.dataset, this.lut, this.augmenter, this.classes, order, start, size, epoch);
  }

  close(): void {
    this.prefetcher?.close();
  }

  batch(order: ArrayLike<number>, start: number, size: number, epoch: number): TrainBatch {
    const { pixels, labels, targets, n } = this.gather(order, start, size, epoch);
    const { height, width, channels } = this.source.dataset;
    const x = toModelInput(pixels, n, height, width, channels, this.source.inputShape);
    const y = targets ? tf.tensor2d(targets, [n, this.classes], 'float32') : tf.tensor1d(labels, 'int32');
    return { x, y };
  }
}
