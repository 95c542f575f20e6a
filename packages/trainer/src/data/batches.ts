import { tf } from '@cnnlab/core';
import { gatherImages, type Dataset } from './dataset.js';
import { normalizationTable, type Normalization } from './normalization.js';
import { hashSeed, Mulberry32, shuffleInPlace } from './random.js';

/** A model's input shape as the registry gives it: [channels, height, width]. */
export type ModelInputShape = readonly [channels: number, height: number, width: number];

/**
 * How images are resized: tf.image.resizeBilinear with alignCorners = false
 * and halfPixelCenters = true, i.e. source coordinate (dst + 0.5)·in/out − 0.5
 * clamped to the image — the same sampling as torch.nn.functional.interpolate(
 * mode='bilinear', align_corners=False) that torchvision's Resize uses on
 * tensors, and, when enlarging, as PIL's bilinear resize that d2l's
 * Resize applies to Fashion-MNIST images. (When shrinking, torchvision/PIL
 * antialias and this does not.)
 */
export const RESIZE = Object.freeze({ method: 'bilinear', alignCorners: false, halfPixelCenters: true });

/** Throws unless data with `dataChannels` channels can feed a model taking `modelChannels`. */
export function checkChannels(dataChannels: number, modelChannels: number, what: string): void {
  if (dataChannels === modelChannels) return;
  if (dataChannels === 1) return; // gray is repeated into every model channel
  if (dataChannels === 3 && modelChannels === 1) {
    throw new Error(`${what}: the data has 3 channels (RGB) but the model takes 1. Convert the images to gray with --grayscale (cnnlab train; in code loadDataset({…, grayscale: true})), or give the model 3 input channels with --input 3,<h>,<w> (e.g. --input 3,32,32)`);
  }
  throw new Error(`${what}: the data has ${dataChannels} channels but the model takes ${modelChannels}; only 1 → ${modelChannels} (repeating the gray channel) is converted`);
}

/**
 * Turns normalised NHWC pixels at the data's size into the model's input:
 * resizes (bilinear, see RESIZE) on the current backend, then repeats a gray
 * channel to the model's channel count. The caller owns the result.
 */
export function toModelInput(pixels: Float32Array, n: number, height: number, width: number, channels: number, inputShape: ModelInputShape): tf.Tensor4D {
  const [modelChannels, modelHeight, modelWidth] = inputShape;
  checkChannels(channels, modelChannels, 'input');
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(pixels, [n, height, width, channels], 'float32');
    if (height !== modelHeight || width !== modelWidth) {
      x = tf.image.resizeBilinear(x, [modelHeight, modelWidth], RESIZE.alignCorners, RESIZE.halfPixelCenters);
    }
    if (channels !== modelChannels) x = tf.tile(x, [1, 1, 1, modelChannels]);
    return x;
  });
}

export interface BatchSourceOptions {
  /** The model's input, [channels, height, width] (e.g. [1, 96, 96] or [3, 224, 224]). */
  inputShape: ModelInputShape;
  /** Training-split statistics; without it inputs are byte / 255 (d2l's ToTensor, no Normalize). */
  normalization?: Normalization;
  batchSize: number;
}

export interface Batch {
  /** NHWC float32, normalised and at the model's size and channels. */
  x: tf.Tensor4D;
  /** int32 class indices. */
  y: tf.Tensor1D;
}

/** Salt so epoch orders differ from the split's streams under the same seed. */
const EPOCH_SALT = 0xe90c;

/**
 * Serves batches from a uint8 data set without copying it: each batch gathers
 * only its images into a Float32Array (normalising through a lookup table),
 * makes a tensor and resizes it on the current backend. Deterministic: the
 * same order and start give the same tensors bit for bit (on one backend).
 */
export class BatchSource {
  readonly dataset: Dataset;
  readonly indices: Uint32Array;
  readonly inputShape: ModelInputShape;
  readonly batchSize: number;
  readonly normalization: Normalization | undefined;
  private readonly lut: Float32Array;

  constructor(dataset: Dataset, indices: ArrayLike<number>, options: BatchSourceOptions) {
    const { inputShape, batchSize, normalization } = options;
    if (!inputShape || inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`BatchSource: inputShape [${inputShape ? inputShape.join(', ') : ''}] must be three positive integers [channels, height, width]`);
    }
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`BatchSource: batchSize must be a positive integer; got ${String(batchSize)}`);
    checkChannels(dataset.channels, inputShape[0], `BatchSource (${dataset.name})`);
    this.dataset = dataset;
    this.indices = Uint32Array.from(indices);
    for (const i of this.indices) {
      if (i >= dataset.count) throw new Error(`BatchSource: index ${i} is out of range (${dataset.name} has ${dataset.count} images)`);
    }
    this.inputShape = [inputShape[0], inputShape[1], inputShape[2]];
    this.batchSize = batchSize;
    this.normalization = normalization;
    this.lut = normalizationTable(dataset.channels, normalization);
  }

  /** Images this source serves. */
  get size(): number {
    return this.indices.length;
  }

  /** Batches per epoch (the last one may be smaller). */
  get batchesPerEpoch(): number {
    return Math.ceil(this.indices.length / this.batchSize);
  }

  /**
   * The order of this epoch: a permutation of the source's indices that
   * depends only on (seed, epoch), so a resumed run replays it exactly.
   */
  epochOrder(seed: number, epoch: number): Uint32Array {
    return shuffleInPlace(this.indices.slice(), new Mulberry32(hashSeed(seed, EPOCH_SALT, epoch)));
  }

  /** The indices in their stored order (for evaluation). */
  sequentialOrder(): Uint32Array {
    return this.indices.slice();
  }

  /** The normalised pixels (NHWC at the data's size) and labels of order[start, start+size). No tensors. */
  gather(order: ArrayLike<number>, start: number, size: number = this.batchSize): { pixels: Float32Array; labels: Int32Array; n: number } {
    if (!Number.isInteger(start) || start < 0 || start >= order.length) throw new Error(`BatchSource: batch start ${start} is outside the order (length ${order.length})`);
    if (!Number.isInteger(size) || size <= 0) throw new Error(`BatchSource: batch size must be a positive integer; got ${String(size)}`);
    const n = Math.min(size, order.length - start);
    const { height, width, channels, labels, count, reader } = this.dataset;
    const per = height * width * channels;
    const pixels = new Float32Array(n * per);
    const out = new Int32Array(n);
    const lut = this.lut;
    const picked = Array.from({ length: n }, (_, b) => order[start + b]!);
    for (const i of picked) if (!(i >= 0 && i < count)) throw new Error(`BatchSource: index ${i} is out of range (${this.dataset.name} has ${count} images)`);
    // A streamed data set reads only this batch's images from its file.
    const images = reader ? gatherImages(this.dataset, picked) : this.dataset.images;
    for (let b = 0; b < n; b++) {
      const i = picked[b]!;
      out[b] = labels[i]!;
      const src = (reader ? b : i) * per;
      const dst = b * per;
      if (channels === 1) {
        for (let p = 0; p < per; p++) pixels[dst + p] = lut[images[src + p]!]!;
      } else {
        for (let p = 0; p < per; p += channels) {
          for (let c = 0; c < channels; c++) pixels[dst + p + c] = lut[c * 256 + images[src + p + c]!]!;
        }
      }
    }
    return { pixels, labels: out, n };
  }

  /**
   * The batch order[start, start+size) (clipped at the end of the order) as
   * tensors the caller must dispose.
   */
  batch(order: ArrayLike<number>, start: number, size: number = this.batchSize): Batch {
    const { pixels, labels, n } = this.gather(order, start, size);
    const { height, width, channels } = this.dataset;
    const x = toModelInput(pixels, n, height, width, channels, this.inputShape);
    const y = tf.tensor1d(labels, 'int32');
    return { x, y };
  }

  /** Iterates the batches of `order` from batch `fromBatch` on (for resuming mid-epoch). Dispose each. */
  *batches(order: ArrayLike<number>, fromBatch = 0): Generator<Batch & { index: number; start: number }> {
    for (let index = fromBatch, start = fromBatch * this.batchSize; start < order.length; index++, start += this.batchSize) {
      yield { ...this.batch(order, start), index, start };
    }
  }
}
