import sharp from 'sharp';

export interface DecodeTarget {
  /** Output side: the shorter side is resized to it, then the centre is cropped square. */
  size: number;
  /** 1 (gray, ITU-R 601 luma) or 3 (sRGB); alpha is dropped. */
  channels: 1 | 3;
}

/**
 * Decodes one JPEG/PNG/WebP/GIF (first frame) file to `size×size×channels`
 * uint8 HWC pixels: EXIF orientation applied, shorter side resized to `size`
 * (Lanczos, as sharp defaults), centre crop — torchvision's
 * Resize(size) + CenterCrop(size).
 */
export async function decodeImageFile(path: string, target: DecodeTarget): Promise<Uint8Array> {
  let pipeline = sharp(path, { failOn: 'error', pages: 1 })
    .rotate()
    .resize(target.size, target.size, { fit: 'cover', position: 'centre' });
  pipeline = target.channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== target.size || info.height !== target.size || info.channels !== target.channels) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}; expected ${target.size}×${target.size}×${target.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * Decodes any JPEG/PNG/WebP/GIF file at its own size to `channels` uint8 HWC
 * pixels (for predict on runs not trained on folders): EXIF orientation
 * applied, transparent pixels composited over black as decodePng does.
 */
export async function decodeImageAtOwnSize(path: string, channels: 1 | 3): Promise<{ pixels: Uint8Array; height: number; width: number }> {
  let pipeline = sharp(path, { failOn: 'error', pages: 1 }).rotate().flatten({ background: { r: 0, g: 0, b: 0 } });
  pipeline = channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) throw new Error(`decoded to ${info.channels} channels; expected ${channels}`);
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width };
}
