import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export const FOLDER_FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;

/**
 * Writes an ImageFolder of `classes` × `perClass` images in the four formats,
 * of mixed sizes, each class a distinct colour with a darker square whose
 * position depends on the class (so a small net can learn it, in gray or RGB).
 * Returns the files written, relative to `root`.
 */
export async function writeImageFolder(root: string, options: { classes: number; perClass: number; formats?: readonly (typeof FOLDER_FORMATS)[number][] }): Promise<string[]> {
  const formats = options.formats ?? FOLDER_FORMATS;
  const files: string[] = [];
  const jobs: Promise<unknown>[] = [];
  for (let c = 0; c < options.classes; c++) {
    const name = `class${c}`;
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < options.perClass; i++) {
      const format = formats[(c + i) % formats.length]!;
      const width = 20 + ((i * 37 + c * 11) % 60);
      const height = 20 + ((i * 53 + c * 7) % 50);
      const side = Math.min(width, height);
      const square = Buffer.from(`<svg width="${width}" height="${height}"><rect x="${((c % 3) * width) / 3}" y="${(Math.floor(c / 3) % 3) * height / 3}" width="${side / 3}" height="${side / 3}" fill="black"/></svg>`);
      const file = join(name, `img${String(i).padStart(3, '0')}.${format === 'jpeg' ? 'jpg' : format}`);
      files.push(file);
      jobs.push(sharp({ create: { width, height, channels: 3, background: { r: (c * 97) % 256, g: 255 - c * 20, b: (c * 53) % 256 } } })
        .composite([{ input: square }]).toFormat(format).toFile(join(root, file)));
    }
  }
  await Promise.all(jobs);
  return files;
}

/** Adds broken files to an ImageFolder of writeImageFolder: truncated JPEG, random bytes as PNG, empty, text as WebP; and a non-image file. */
export function addBadFiles(root: string): { corrupt: string[]; nonImage: string } {
  const good = readFileSync(join(root, 'class0', 'img000.jpg'));
  const corrupt = [join(root, 'class0', 'truncated.jpg'), join(root, 'class1', 'noise.png'), join(root, 'class2', 'empty.jpg'), join(root, 'class3', 'text.webp')];
  writeFileSync(corrupt[0]!, good.subarray(0, 60));
  writeFileSync(corrupt[1]!, Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 7919) % 256)));
  writeFileSync(corrupt[2]!, Buffer.alloc(0));
  writeFileSync(corrupt[3]!, 'not an image');
  const nonImage = join(root, 'class4', 'README.txt');
  writeFileSync(nonImage, 'notes');
  return { corrupt, nonImage };
}
