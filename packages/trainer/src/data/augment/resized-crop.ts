import type { Draws } from './draws.js';
import { resampleBox, type ImageView } from './image.js';

const LOG_RATIO = [Math.log(3 / 4), Math.log(4 / 3)] as const;

/** The box torchvision's RandomResizedCrop.get_params draws (scale (minScale, 1), ratio (3/4, 4/3)), or its centre-crop fallback. */
export function resizedCropBox(height: number, width: number, draws: Draws, minScale: number): { top: number; left: number; h: number; w: number } {
  const area = height * width;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * draws.between(minScale, 1);
    const ratio = Math.exp(draws.between(LOG_RATIO[0], LOG_RATIO[1]));
    const w = Math.round(Math.sqrt(target * ratio));
    const h = Math.round(Math.sqrt(target / ratio));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: draws.int(height - h + 1), left: draws.int(width - w + 1), h, w };
    }
  }
  const inRatio = width / height;
  const [w, h] = inRatio < 3 / 4 ? [width, Math.round(width / (3 / 4))] : inRatio > 4 / 3 ? [Math.round(height * (4 / 3)), height] : [width, height];
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), h, w };
}

/** torchvision RandomResizedCrop(size = the image's, scale = (minScale, 1)): a random box resized bilinearly back to the whole image. */
export function randomResizedCrop(image: ImageView, draws: Draws, minScale: number): void {
  const { data, height, width, channels, scratch } = image;
  const box = resizedCropBox(height, width, draws, minScale);
  scratch.set(data.subarray(0, height * width * channels));
  resampleBox(scratch, data, height, width, channels, box.top, box.left, box.h, box.w);
}
