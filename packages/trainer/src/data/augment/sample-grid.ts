import { imageGrid, type ImageGrid } from '../../summaries/image-grid.js';
import type { AugmentedBatches } from './batches.js';
import { toByte } from './image.js';

export type SampleGrid = ImageGrid;

/**
 * The first `count` images of `order` as training sees them in `epoch`
 * (augmented and mixed), back in pixel units, on one grid (`imageGrid`).
 */
export function augmentSampleGrid(batches: AugmentedBatches, order: ArrayLike<number>, epoch: number, count = 16): SampleGrid {
  const { height, width, channels } = batches.source.dataset;
  const { pixels, n } = batches.gather(order, 0, Math.min(count, order.length), epoch, true);
  const norm = batches.source.normalization ?? { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
  const bytes = new Uint8Array(n * height * width * channels);
  for (let i = 0; i < bytes.length; i++) {
    const c = i % channels;
    bytes[i] = toByte((pixels[i]! * norm.std[c]! + norm.mean[c]!) * 255);
  }
  return imageGrid(bytes, n, height, width, channels as 1 | 3);
}
