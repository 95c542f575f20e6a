import type { Draws } from './draws.js';
import type { ImageView } from './image.js';

const SCALE = [0.02, 0.33] as const;
const LOG_RATIO = [Math.log(0.3), Math.log(3.3)] as const;

/**
 * torchvision RandomErasing(p, scale=(0.02, 0.33), ratio=(0.3, 3.3)):
 * with probability p fills a random box with `fill` (one byte per channel).
 * The trainer passes the training mean, which normalises to 0 — torchvision's
 * value=0 after Normalize. No box after 10 attempts leaves the image as is.
 */
export function randomErase(image: ImageView, draws: Draws, p: number, fill: ArrayLike<number>): void {
  if (!draws.chance(p)) return;
  const { data, height, width, channels } = image;
  const area = height * width;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * draws.between(SCALE[0], SCALE[1]);
    const ratio = Math.exp(draws.between(LOG_RATIO[0], LOG_RATIO[1]));
    const h = Math.round(Math.sqrt(target * ratio));
    const w = Math.round(Math.sqrt(target / ratio));
    if (!(h < height && w < width)) continue;
    const top = draws.int(height - h + 1), left = draws.int(width - w + 1);
    for (let y = top; y < top + h; y++) {
      for (let x = left; x < left + w; x++) {
        const o = (y * width + x) * channels;
        for (let k = 0; k < channels; k++) data[o + k] = fill[k]!;
      }
    }
    return;
  }
}
