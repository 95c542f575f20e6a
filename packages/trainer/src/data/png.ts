import { existsSync, readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { tf } from '@cnnlab/core';
import { checkChannels, toModelInput, type ModelInputShape } from './batches.js';
import { checkNormalization, type Normalization } from './normalization.js';

export interface DecodedImage {
  height: number;
  width: number;
  /** 1 (gray) or 3 (RGB). */
  channels: number;
  /** HWC uint8. */
  pixels: Uint8Array;
}

/**
 * Decodes a PNG (any colour type and bit depth pngjs reads: gray, RGB,
 * palette, with or without alpha; 16-bit is scaled to 8) into `channels`
 * (1 or 3) uint8 channels. Transparent pixels are composited over black, the
 * background of MNIST-like data; colour becomes gray by ITU-R 601 luma
 * (PIL's convert('L')). Images are not inverted: dark strokes on white stay so.
 */
export function decodePng(bytes: Uint8Array, channels: 1 | 3, what = 'PNG'): DecodedImage {
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new Error(`${what}: not a readable PNG (${error instanceof Error ? error.message : String(error)})`);
  }
  const { width, height, data } = png;
  const n = width * height;
  const pixels = new Uint8Array(n * channels);
  const isColor = png.color;
  for (let p = 0; p < n; p++) {
    const r = data[4 * p]!;
    const g = data[4 * p + 1]!;
    const b = data[4 * p + 2]!;
    const a = data[4 * p + 3]!;
    const over = (v: number) => (a === 255 ? v : Math.round((v * a) / 255));
    if (channels === 1) {
      const gray = isColor ? (19595 * r + 38470 * g + 7471 * b + 32768) >>> 16 : r;
      pixels[p] = over(gray);
    } else {
      pixels[3 * p] = over(r);
      pixels[3 * p + 1] = over(g);
      pixels[3 * p + 2] = over(b);
    }
  }
  return { height, width, channels, pixels };
}

/**
 * Encodes HWC uint8 pixels (1 or 3 channels) as a PNG (gray or RGB), e.g.
 * to export data set images for `predict`.
 */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: 1 | 3): Buffer {
  if (pixels.length !== height * width * channels) throw new Error(`encodePng: ${pixels.length} bytes; expected ${height}·${width}·${channels}`);
  const png = new PNG({ width, height });
  for (let p = 0; p < height * width; p++) {
    const r = pixels[p * channels]!;
    png.data[4 * p] = r;
    png.data[4 * p + 1] = channels === 3 ? pixels[p * 3 + 1]! : r;
    png.data[4 * p + 2] = channels === 3 ? pixels[p * 3 + 2]! : r;
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: channels === 3 ? 2 : 0 });
}

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
