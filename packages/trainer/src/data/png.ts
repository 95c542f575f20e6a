import { existsSync, readFileSync } from 'node:fs';
import type { tf } from '@cnnlab/core';
import { checkChannels, toModelInput, type ModelInputShape } from './batches.js';
import { checkNormalization, type Normalization } from './normalization.js';
import { decodePng } from './png-codec.js';

export { decodePng, encodePng, type DecodedImage } from './png-codec.js';

/**
 * Reads an image file for prediction as a [1, height, width, channels] float32
 * tensor prepared exactly like training batches: converted to the data's
 * channels (those of `normalization`, else the model's), normalised, resized
 * bilinearly to the model's input, a gray channel repeated for RGB models.
 * The caller disposes the tensor.
 */
export function readImageFile(path: string, inputShape: ModelInputShape, normalization?: Normalization): tf.Tensor4D {
  if (!existsSync(path)) throw new Error(`image: ${path} does not exist`);
  const bytes = readFileSync(path);
  const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
  if (!PNG_MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`image: ${path} is not a PNG file; only PNG images are read`);
  const dataChannels = normalization ? checkNormalization(normalization).mean.length : inputShape[0];
  if (dataChannels !== 1 && dataChannels !== 3) throw new Error(`image: ${dataChannels}-channel data is not supported; expected 1 (gray) or 3 (RGB)`);
  checkChannels(dataChannels, inputShape[0], `image ${path}`);
  const image = decodePng(bytes, dataChannels, `image ${path}`);
  const { height, width, pixels } = image;
  const x = new Float32Array(pixels.length);
  for (let p = 0; p < pixels.length; p++) {
    const c = p % dataChannels;
    const v = pixels[p]! / 255;
    x[p] = normalization ? (v - normalization.mean[c]!) / normalization.std[c]! : v;
  }
  return toModelInput(x, 1, height, width, dataChannels, inputShape);
}
