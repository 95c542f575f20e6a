import type { Draws } from './draws.js';
import type { ImageView } from './image.js';

/** torchvision RandomHorizontalFlip(p): mirrors the image left–right with probability p. */
export function horizontalFlip(image: ImageView, draws: Draws, p: number): void {
  if (!draws.chance(p)) return;
  const { data, height, width, channels } = image;
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let a = 0, b = width - 1; a < b; a++, b--) {
      for (let k = 0; k < channels; k++) {
        const i = row + a * channels + k, j = row + b * channels + k;
        const t = data[i]!;
        data[i] = data[j]!;
        data[j] = t;
      }
    }
  }
}
