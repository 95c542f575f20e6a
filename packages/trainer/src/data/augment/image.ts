/**
 * One HWC uint8 image inside a batch buffer, which the per-image ops rewrite
 * in place. `scratch` is a buffer of at least one image's bytes the ops may
 * use (shared across images, never holding state between calls).
 */
export interface ImageView {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
  scratch: Uint8Array;
}

/** A fresh view of `pixels` (one image, HWC) with its own scratch buffer. */
export function imageView(pixels: Uint8Array, height: number, width: number, channels: number): ImageView {
  if (pixels.length !== height * width * channels) throw new Error(`imageView: ${pixels.length} bytes; expected ${height}·${width}·${channels}`);
  return { data: pixels, height, width, channels, scratch: new Uint8Array(pixels.length) };
}

/** Rounds and clamps to a byte (round half up, as torchvision's float → uint8 after rounding). */
export const toByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5));

/**
 * Bilinear resampling of the box (top, left, h, w) of `src` to the whole of
 * `dst` (both height×width×channels), with half-pixel centres and no
 * antialiasing — torch.nn.functional.interpolate(mode='bilinear',
 * align_corners=False), which torchvision's resized crop uses on tensors.
 */
export function resampleBox(src: Uint8Array, dst: Uint8Array, height: number, width: number, channels: number, top: number, left: number, h: number, w: number): void {
  const sy = h / height, sx = w / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, h - 1), ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, w - 1), tx = fx - x0;
      const a = ((top + y0) * width + left + x0) * channels, b = ((top + y0) * width + left + x1) * channels;
      const c = ((top + y1) * width + left + x0) * channels, d = ((top + y1) * width + left + x1) * channels;
      const o = (y * width + x) * channels;
      for (let k = 0; k < channels; k++) {
        const upper = src[a + k]! + (src[b + k]! - src[a + k]!) * tx;
        const lower = src[c + k]! + (src[d + k]! - src[c + k]!) * tx;
        dst[o + k] = toByte(upper + (lower - upper) * ty);
      }
    }
  }
}
