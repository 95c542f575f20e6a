/**
 * Writes a generated ImageFolder: `classes` sub-folders of mixed-size JPEG and
 * PNG images (each class a colour and a dark square at a class-specific
 * place, with per-image jitter), plus `corrupt` broken files, for the must-show
 * folder run and the decode benchmark.
 *
 *   npx tsx tools/bench/src/folder-kit.ts <dir> [--images 2000] [--classes 10] [--corrupt 5] [--formats jpeg,png]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';

export interface FolderKitOptions {
  images: number;
  classes: number;
  corrupt: number;
  formats: readonly ('jpeg' | 'png' | 'webp' | 'gif')[];
  /** Images encoded at once. */
  concurrency?: number;
}

/** Writes the kit under `root`; returns the good files and the corrupt ones (absolute paths). */
export async function writeFolderKit(root: string, o: FolderKitOptions): Promise<{ files: string[]; corrupt: string[] }> {
  const files: string[] = [];
  const tasks: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < o.images; i++) {
    const c = i % o.classes;
    const k = Math.floor(i / o.classes);
    const format = o.formats[i % o.formats.length]!;
    const width = 48 + ((k * 37 + c * 11) % 200);
    const height = 48 + ((k * 53 + c * 7) % 150);
    const side = Math.min(width, height) / 3;
    const x = ((c % 3) * width) / 3 + ((k * 5) % 7);
    const y = ((Math.floor(c / 3) % 4) * height) / 4 + ((k * 3) % 5);
    const dir = join(root, `class${String(c).padStart(2, '0')}`);
    if (k === 0) mkdirSync(dir, { recursive: true });
    const file = join(dir, `img${String(k).padStart(5, '0')}.${format === 'jpeg' ? 'jpg' : format}`);
    files.push(file);
    const svg = Buffer.from(`<svg width="${width}" height="${height}"><rect x="${x}" y="${y}" width="${side}" height="${side}" fill="rgb(${(c * 40) % 90},20,20)"/></svg>`);
    tasks.push(() => sharp({ create: { width, height, channels: 3, background: { r: (c * 97 + k) % 256, g: (255 - c * 20 + k * 3) % 256, b: (c * 53) % 256 } } })
      .composite([{ input: svg }]).toFormat(format).toFile(file));
  }
  const window = o.concurrency ?? 8;
  for (let at = 0; at < tasks.length; at += window) await Promise.all(tasks.slice(at, at + window).map((t) => t()));
  const corrupt: string[] = [];
  for (let j = 0; j < o.corrupt; j++) {
    const victim = files[(j * 7919) % files.length]!;
    const broken = victim.replace(/img(\d+)\.(\w+)$/, `broken$1.$2`);
    const bytes = readFileSync(victim);
    writeFileSync(broken, j % 2 === 0 ? bytes.subarray(0, Math.floor(bytes.length / 3)) : Buffer.from(`corrupt ${j}`));
    corrupt.push(broken);
  }
  return { files, corrupt };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { images: { type: 'string' }, classes: { type: 'string' }, corrupt: { type: 'string' }, formats: { type: 'string' } } });
  const root = positionals[0];
  if (!root) throw new Error('usage: folder-kit.ts <dir> [--images 2000] [--classes 10] [--corrupt 5] [--formats jpeg,png]');
  const started = performance.now();
  const { files, corrupt } = await writeFolderKit(root, {
    images: Number(values.images ?? 2000), classes: Number(values.classes ?? 10), corrupt: Number(values.corrupt ?? 5),
    formats: (values.formats ?? 'jpeg,png').split(',') as FolderKitOptions['formats'],
  });
  console.log(`${files.length} images and ${corrupt.length} corrupt files in ${root} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  for (const f of corrupt) console.log(`  corrupt: ${f}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
