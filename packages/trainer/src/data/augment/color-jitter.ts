import type { Draws } from './draws.js';
import type { ImageView } from './image.js';

export interface JitterStrength {
  brightness: number;
  contrast: number;
  saturation: number;
}

/** torchvision's _blend on uint8: ratio·a + (1 − ratio)·b, clamped to [0, 255] and truncated. */
const blend = (a: number, b: number, ratio: number): number => {
  const v = ratio * a + (1 - ratio) * b;
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
};

/** torchvision's rgb_to_grayscale on uint8 (ITU-R 601-2 luma, truncated). */
const gray = (d: Uint8Array, o: number): number => Math.trunc(0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!);

export function adjustBrightness(image: ImageView, factor: number): void {
  const { data } = image;
  const n = image.height * image.width * image.channels;
  for (let i = 0; i < n; i++) data[i] = blend(data[i]!, 0, factor);
}

/** Blends with the mean gray level of the image (torchvision adjust_contrast). */
export function adjustContrast(image: ImageView, factor: number): void {
  const { data, channels } = image;
  const pixels = image.height * image.width;
  let sum = 0;
  for (let p = 0; p < pixels; p++) sum += channels === 3 ? gray(data, p * 3) : data[p * channels]!;
  const mean = sum / pixels;
  for (let i = 0; i < pixels * channels; i++) data[i] = blend(data[i]!, mean, factor);
}

/** Blends each pixel with its gray level (torchvision adjust_saturation); a gray image is left as it is, as torchvision and PIL do. */
export function adjustSaturation(image: ImageView, factor: number): void {
  const { data, channels } = image;
  if (channels !== 3) return;
  const pixels = image.height * image.width;
  for (let p = 0; p < pixels; p++) {
    const o = p * 3;
    const g = gray(data, o);
    data[o] = blend(data[o]!, g, factor);
    data[o + 1] = blend(data[o + 1]!, g, factor);
    data[o + 2] = blend(data[o + 2]!, g, factor);
  }
}

const ADJUST = [adjustBrightness, adjustContrast, adjustSaturation] as const;

/**
 * torchvision ColorJitter(brightness, contrast, saturation): the three
 * adjustments in a random order, each with a factor uniform in
 * [max(0, 1 − s), 1 + s] (a strength of 0 skips it).
 */
export function colorJitter(image: ImageView, draws: Draws, strength: JitterStrength): void {
  const order = [0, 1, 2];
  for (let i = 2; i > 0; i--) {
    const j = draws.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const s = [strength.brightness, strength.contrast, strength.saturation];
  const factors = s.map((x) => (x > 0 ? draws.between(Math.max(0, 1 - x), 1 + x) : 1));
  for (const k of order) if (s[k]! > 0) ADJUST[k]!(image, factors[k]!);
}
