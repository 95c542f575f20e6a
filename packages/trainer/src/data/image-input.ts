import { existsSync, readFileSync } from 'node:fs';
import type { tf } from '@cnnlab/core';
import { checkChannels, toModelInput, type ModelInputShape } from './batches.js';
import { decodeImageAtOwnSize, decodeImageFile } from './folder/decode.js';
import { checkNormalization, type Normalization } from './normalization.js';
import { decodePng } from './png.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

export interface ImageInputOptions {
  inputShape: ModelInputShape;
  normalization?: Normalization;
  /** A folder run's decode side: the image is decoded as its training images were (shorter side, centre crop). */
  folderSide?: number;
}

/**
 * Reads a JPEG/PNG/WebP/GIF file (the formats the folder data set reads,
 * through the same sharp decoder; for a folder run at its decode side,
 * shorter side then centre crop, as its training images) as a [1, h, w, c] float32 tensor prepared
 * like training batches: the data's channels, normalised, resized to the
 * model's input. The caller disposes it.
 */
export async function readImageForModel(path: string, options: ImageInputOptions): Promise<tf.Tensor4D> {
  if (!existsSync(path)) throw new Error(`image: ${path} does not exist`);
  const { inputShape, normalization } = options;
  const channels = normalization ? checkNormalization(normalization).mean.length : inputShape[0];
  if (channels !== 1 && channels !== 3) throw new Error(`image: ${channels}-channel data is not supported; expected 1 (gray) or 3 (RGB)`);
  checkChannels(channels, inputShape[0], `image ${path}`);
  let image: { pixels: Uint8Array; height: number; width: number };
  try {
    if (options.folderSide) image = { pixels: await decodeImageFile(path, { size: options.folderSide, channels }), height: options.folderSide, width: options.folderSide };
    else {
      // PNGs keep pngjs's exact decode (and its gray conversion) that predict has always used.
      const bytes = readFileSync(path);
      image = PNG_MAGIC.every((b, i) => bytes[i] === b) ? decodePng(bytes, channels, `image ${path}`) : await decodeImageAtOwnSize(path, channels);
    }
  } catch (error) {
    throw new Error(`image: ${path} cannot be decoded as JPEG, PNG, WebP or GIF (${(error as Error).message.split('\n')[0]})`);
  }
  const x = new Float32Array(image.pixels.length);
  for (let p = 0; p < x.length; p++) {
    const c = p % channels;
    const v = image.pixels[p]! / 255;
    x[p] = normalization ? (v - normalization.mean[c]!) / normalization.std[c]! : v;
  }
  return toModelInput(x, 1, image.height, image.width, channels, inputShape);
}
