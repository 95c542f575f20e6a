import type { Draws } from './draws.js';
import type { ImageView } from './image.js';

/**
 * torchvision RandomCrop(size = the image's, padding): pads every side with
 * `padding` zero pixels and cuts an image-sized window at a uniform offset
 * in [0, 2·padding] on each axis.
 */
export function randomCrop(image: ImageView, draws: Draws, padding: number): void {
  if (padding <= 0) return;
  const { data, height, width, channels, scratch } = image;
  const top = draws.int(2 * padding + 1) - padding;
  const left = draws.int(2 * padding + 1) - padding;
  if (top === 0 && left === 0) return;
  scratch.set(data.subarray(0, height * width * channels));
  for (let y = 0; y < height; y++) {
    const sy = y + top;
    const row = y * width * channels;
    if (sy < 0 || sy >= height) {
      data.fill(0, row, row + width * channels);
      continue;
    }
    for (let x = 0; x < width; x++) {
      const sx = x + left;
      const o = row + x * channels;
      if (sx < 0 || sx >= width) {
        for (let k = 0; k < channels; k++) data[o + k] = 0;
      } else {
        const s = (sy * width + sx) * channels;
        for (let k = 0; k < channels; k++) data[o + k] = scratch[s + k]!;
      }
    }
  }
}
