import { PNG } from 'pngjs';

/* PNG bytes to pixels and back, with pngjs only (no TensorFlow.js), for readers of runs as well as training. */

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
