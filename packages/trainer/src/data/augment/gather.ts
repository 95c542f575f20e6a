import type { Dataset } from '../dataset.js';
import type { Augmenter } from './pipeline.js';

/** The uint8 images and labels a gather reads (a Dataset, or its copy in a worker thread). */
export type ImageSource = Pick<Dataset, 'name' | 'images' | 'labels' | 'count' | 'height' | 'width' | 'channels'>;

export interface AugmentedGather {
  /** Normalised NHWC pixels at the data's size, after augmentation. */
  pixels: Float32Array;
  labels: Int32Array;
  /** Soft targets (n × classes) when the plan mixes images, else null. */
  targets: Float32Array | null;
  n: number;
}

/**
 * Images order[start, start+size) gathered, augmented, normalised through
 * `lut` (normalizationTable) and mixed. No tensors, no engine: the same
 * function runs on the training thread or in the prefetch thread.
 */
export function gatherAugmented(
  data: ImageSource, lut: Float32Array, augmenter: Augmenter, classes: number, order: ArrayLike<number>, start: number, size: number, epoch: number,
): AugmentedGather {
  const { height, width, channels, images, labels, count, name } = data;
  const n = Math.min(size, order.length - start);
  if (!(n > 0) || start < 0) throw new Error(`augment: batch start ${start} is outside the order (length ${order.length})`);
  const per = height * width * channels;
  const indices = new Uint32Array(n);
  const bytes = new Uint8Array(n * per);
  const out = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const i = order[start + b]!;
    if (!(i >= 0 && i < count)) throw new Error(`augment: index ${i} is out of range (${name} has ${count} images)`);
    indices[b] = i;
    out[b] = labels[i]!;
    bytes.set(images.subarray(i * per, (i + 1) * per), b * per);
  }
  const dims = { height, width, channels };
  augmenter.augmentImages(bytes, indices, n, dims, epoch);
  const pixels = new Float32Array(n * per);
  if (channels === 1) {
    for (let p = 0; p < n * per; p++) pixels[p] = lut[bytes[p]!]!;
  } else {
    for (let p = 0; p < n * per; p += channels) {
      for (let c = 0; c < channels; c++) pixels[p + c] = lut[c * 256 + bytes[p + c]!]!;
    }
  }
  const targets = augmenter.mix(pixels, out, indices, n, dims, classes, epoch);
  return { pixels, labels: out, targets, n };
}
