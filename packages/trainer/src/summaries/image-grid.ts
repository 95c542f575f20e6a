import { encodePng } from '../data/png-codec.js';

export interface ImageGrid {
  png: Buffer;
  height: number;
  width: number;
}

/** White pixels between two cells of a grid (the dashboard places its per-cell tooltips by it). */
export const IMAGE_GRID_GAP = 2;
const GAP = IMAGE_GRID_GAP;

/**
 * `n` uint8 HWC images of one size (`pixels` holds them back to back) on a square grid with 2-pixel white gaps;
 * small images are enlarged (nearest neighbour) to at least 64 pixels a side so TensorBoard's Images tab shows
 * them legibly.
 */
export function imageGrid(pixels: Uint8Array, n: number, height: number, width: number, channels: 1 | 3): ImageGrid {
  const zoom = Math.max(1, Math.ceil(64 / Math.max(height, width)));
  const cols = Math.max(1, Math.ceil(Math.sqrt(n))), rows = Math.max(1, Math.ceil(n / cols));
  const cellH = height * zoom, cellW = width * zoom;
  const gridH = rows * cellH + (rows - 1) * GAP, gridW = cols * cellW + (cols - 1) * GAP;
  const grid = new Uint8Array(gridH * gridW * channels).fill(255);
  for (let b = 0; b < n; b++) {
    const top = Math.floor(b / cols) * (cellH + GAP), left = (b % cols) * (cellW + GAP);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const src = ((b * height + Math.floor(y / zoom)) * width + Math.floor(x / zoom)) * channels;
        const dst = ((top + y) * gridW + left + x) * channels;
        for (let c = 0; c < channels; c++) grid[dst + c] = pixels[src + c]!;
      }
    }
  }
  return { png: encodePng(grid, gridH, gridW, channels), height: gridH, width: gridW };
}
