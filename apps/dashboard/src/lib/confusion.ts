/** Each count of a confusion matrix as the share of its row (its true class); a row of no images is all 0. */
export function rowShares(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((n) => (total > 0 ? n / total : 0));
  });
}

/** A heat-map colour for a share of 0–1: white to a deep blue, so that an empty cell reads as empty. */
export function shareColor(share: number): string {
  const t = Math.max(0, Math.min(1, share)) ** 0.7;
  const mix = (from: number, to: number) => Math.round(from + (to - from) * t);
  return `rgb(${mix(255, 30)},${mix(255, 64)},${mix(255, 175)})`;
}

/** The integer zoom that shows a thumbnail of `height`×`width` pixels about 84 px a side, crisply (never below 1). */
export function thumbnailZoom(height: number, width: number): number {
  return Math.max(1, Math.round(84 / Math.max(height, width, 1)));
}

/**
 * CSS for thumbnail `k` of a strip of `n` (side by side, each `width`×`height`), drawn `zoom` times larger: the
 * strip as the background, scaled and shifted so that only thumbnail `k` shows.
 */
export function stripThumbnailStyle(image: string, k: number, n: number, height: number, width: number, zoom: number): string {
  const w = width * zoom, h = height * zoom;
  return `width:${w}px;height:${h}px;background-image:url("${image.replace(/["\\]/g, '\\$&')}");background-size:${n * w}px ${h}px;background-position:${-k * w}px 0`;
}
