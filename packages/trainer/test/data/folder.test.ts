import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile, FolderCacheReader, loadImageFolder, openFolderCache, scanImageFolder } from '../../src/data/index.js';
import { FolderCacheWriter } from '../../src/data/folder/cache-file.js';

// Class names chosen so that code-point order (torchvision's sorted()) differs from locale order.
const CLASSES = ['10', '9', 'B', 'a', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
const PER_CLASS = 30;
const FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;
const CORRUPT = ['a/trunc.jpg', 'B/random.png', 'c0/empty.jpg', 'c1/text.webp', 'c2/trunc.png'];

let work: string;
let root: string;

/** A solid image whose colour encodes its class (red channel) so labels can be checked after decoding. */
function solid(label: number, width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 20 + label * 20, g: 100, b: 200 } } });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cnnlab-folder-'));
  root = join(work, 'images');
  const jobs: Promise<unknown>[] = [];
  CLASSES.forEach((name, label) => {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) {
      const format = FORMATS[i % FORMATS.length]!;
      const width = 24 + ((i * 37) % 90);
      const height = 24 + ((i * 53) % 70);
      const ext = format === 'jpeg' ? 'jpg' : format;
      jobs.push(solid(label, width, height).toFormat(format).toFile(join(root, name, `img${String(i).padStart(3, '0')}.${ext}`)));
    }
  });
  await Promise.all(jobs);
  const goodJpeg = readFileSync(join(root, 'a', 'img000.jpg'));
  const goodPng = readFileSync(join(root, 'c2', 'img001.png'));
  writeFileSync(join(root, 'a', 'trunc.jpg'), goodJpeg.subarray(0, 40));
  writeFileSync(join(root, 'B', 'random.png'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 256)));
  writeFileSync(join(root, 'c0', 'empty.jpg'), Buffer.alloc(0));
  writeFileSync(join(root, 'c1', 'text.webp'), 'this is not an image');
  writeFileSync(join(root, 'c2', 'trunc.png'), goodPng.subarray(0, goodPng.length - 20));
  writeFileSync(join(root, 'c3', 'notes.txt'), 'a non-image file');
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('decodeImageFile', () => {
  it('resizes the shorter side and crops the centre', async () => {
    // 60×20: left third red, middle green, right third blue → the centre 20×20 crop is all green.
    const raw = Buffer.alloc(60 * 20 * 3);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 60; x++) raw[(y * 60 + x) * 3 + (x < 20 ? 0 : x < 40 ? 1 : 2)] = 255;
    const file = join(work, 'thirds.png');
    await sharp(raw, { raw: { width: 60, height: 20, channels: 3 } }).png().toFile(file);
    const out = await decodeImageFile(file, { size: 10, channels: 3 });
    expect(out.length).toBe(10 * 10 * 3);
    for (let p = 0; p < 100; p++) {
      expect(out[p * 3 + 1]).toBeGreaterThan(200);
      expect(out[p * 3]).toBeLessThan(40);
      expect(out[p * 3 + 2]).toBeLessThan(40);
    }
  });

  it('honours EXIF orientation', async () => {
    // Stored 40×20, left half red, right half blue, tagged "rotate 90° clockwise" (6):
    // displayed 20×40 with red on top; unrotated, the centre crop would be red left / blue right.
    const raw = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) raw[(y * 40 + x) * 3 + (x < 20 ? 0 : 2)] = 255;
    const file = join(work, 'rotated.jpg');
    await sharp(raw, { raw: { width: 40, height: 20, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file);
    const out = await decodeImageFile(file, { size: 20, channels: 3 });
    const px = (x: number, y: number) => [out[(y * 20 + x) * 3]!, out[(y * 20 + x) * 3 + 2]!];
    expect(px(2, 1)[0]).toBeGreaterThan(200); // top-left red
    expect(px(17, 1)[0]).toBeGreaterThan(200); // top-right red too: rotated
    expect(px(2, 18)[1]).toBeGreaterThan(200); // bottom blue
  });

  it('converts to gray with the luma weights and drops alpha', async () => {
    const file = join(work, 'alpha.png');
    await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 200, g: 100, b: 50, alpha: 0.5 } } }).png().toFile(file);
    const gray = await decodeImageFile(file, { size: 4, channels: 1 });
    expect(gray.length).toBe(16);
    const luma = 0.299 * 200 + 0.587 * 100 + 0.114 * 50;
    for (const v of gray) expect(Math.abs(v - luma)).toBeLessThanOrEqual(3);
    const rgb = await decodeImageFile(file, { size: 4, channels: 3 });
    [200, 100, 50].forEach((v, c) => expect(Math.abs(rgb[c]! - v)).toBeLessThanOrEqual(1));
    expect(rgb.length).toBe(4 * 4 * 3);
  });
});

describe('scanImageFolder', () => {
  it('sorts classes by code point and reports non-image files', () => {
    const scan = scanImageFolder(root);
    expect(scan.classes).toEqual(CLASSES);
    expect(scan.layout).toBe('flat');
    expect(scan.files.length).toBe(CLASSES.length * PER_CLASS + CORRUPT.length);
    expect(scan.problems).toEqual([{ path: join(root, 'c3', 'notes.txt'), reason: expect.stringContaining('not an image file') }]);
  });

  it('refuses a single class and a missing folder, naming them', () => {
    const one = join(work, 'one');
    mkdirSync(join(one, 'only'), { recursive: true });
    expect(() => scanImageFolder(one)).toThrow(/has 1 class folder\(s\) \(only\); a classifier needs at least 2/);
    expect(() => scanImageFolder(join(work, 'nope'))).toThrow(/nope does not exist/);
  });

  it('reads train/val/test sub-folders as the splits', async () => {
    const split = join(work, 'split');
    for (const s of ['train', 'test']) {
      for (const c of ['cat', 'dog']) {
        mkdirSync(join(split, s, c), { recursive: true });
        await solid(c === 'cat' ? 0 : 1, 30, 20).png().toFile(join(split, s, c, `${s}.png`));
      }
    }
    const scan = scanImageFolder(split);
    expect(scan.layout).toBe('splits');
    expect(scan.files.map((f) => `${f.split}/${scan.classes[f.label]}`)).toEqual(['train/cat', 'train/dog', 'test/cat', 'test/dog']);
    const data = await loadImageFolder({ root: split, size: 8, channels: 3, cacheDir: join(work, 'cache-split') });
    expect(data.splitOf).toEqual(['train', 'train', 'test', 'test']);
  });
});

describe('loadImageFolder', () => {
  const cacheDir = () => join(work, 'cache');

  it('decodes every good image, skips and reports the 5 corrupt files and the non-image file', async () => {
    const logs: string[] = [];
    const progress: number[] = [];
    const data = await loadImageFolder({ root, size: 16, channels: 3, cacheDir: cacheDir(), log: (m) => logs.push(m), onProgress: (d) => progress.push(d) });
    expect(data.cacheBuilt).toBe(true);
    expect(data.count).toBe(CLASSES.length * PER_CLASS);
    expect(data.images.length).toBe(data.count * 16 * 16 * 3);
    expect(data.bad.map((b) => b.path).sort()).toEqual([...CORRUPT.map((p) => join(root, p)), join(root, 'c3', 'notes.txt')].sort());
    for (const b of data.bad.filter((x) => !x.path.endsWith('.txt'))) expect(b.reason).toMatch(/cannot be decoded/);
    expect(logs.join('\n')).toMatch(/skipped 6 bad file\(s\)/);
    expect(progress.at(-1)).toBe(CLASSES.length * PER_CLASS + CORRUPT.length);
    // The red channel encodes the class: every image's label matches its pixels.
    for (let i = 0; i < data.count; i++) {
      const red = data.images[i * 16 * 16 * 3 + (8 * 16 + 8) * 3]!;
      expect(Math.abs(red - (20 + data.labels[i]! * 20))).toBeLessThanOrEqual(4);
    }
  });

  it('reuses the cache, and rebuilds it when a file changes', async () => {
    const warm = await loadImageFolder({ root, size: 16, channels: 3, cacheDir: cacheDir() });
    expect(warm.cacheBuilt).toBe(false);
    expect(warm.bad.length).toBe(6);
    const other = await loadImageFolder({ root, size: 12, channels: 1, cacheDir: cacheDir() });
    expect(other.cacheBuilt).toBe(true);
    expect(other.channels).toBe(1);
    const touched = join(root, 'a', 'img004.jpg');
    utimesSync(touched, new Date(), new Date(Date.now() + 5000));
    const logs: string[] = [];
    const rebuilt = await loadImageFolder({ root, size: 16, channels: 3, cacheDir: cacheDir(), log: (m) => logs.push(m) });
    expect(rebuilt.cacheBuilt).toBe(true);
    expect(logs[0]).toMatch(/stale \(the folder changed/);
    expect(Buffer.from(rebuilt.images).equals(Buffer.from(warm.images))).toBe(true);
    expect(readdirSync(cacheDir()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(cacheDir()).length).toBe(2); // one per (root, size, channels), replaced in place
  });

  it('streams images by position from the cache', async () => {
    const all = await loadImageFolder({ root, size: 16, channels: 3, cacheDir: cacheDir() });
    const { reader } = await openFolderCache({ root, size: 16, channels: 3, cacheDir: cacheDir() });
    try {
      const n = 16 * 16 * 3;
      const into = new Uint8Array(3 * n);
      reader.readImages([299, 0, 150], into);
      expect(Buffer.from(into.subarray(0, n)).equals(Buffer.from(all.images.subarray(299 * n, 300 * n)))).toBe(true);
      expect(Buffer.from(into.subarray(2 * n)).equals(Buffer.from(all.images.subarray(150 * n, 151 * n)))).toBe(true);
      expect(() => reader.readImages([300], into)).toThrow(/outside 0..299/);
    } finally {
      reader.close();
    }
  });

  it('fails naming every bad file with onBadImage fail, keeping the cache', async () => {
    const load = loadImageFolder({ root, size: 16, channels: 3, cacheDir: cacheDir(), onBadImage: 'fail' });
    await expect(load).rejects.toThrow(/6 bad file\(s\)/);
    await expect(loadImageFolder({ root, size: 16, channels: 3, cacheDir: cacheDir(), onBadImage: 'fail' })).rejects.toThrow(join(root, 'c1', 'text.webp'));
    const warm = await loadImageFolder({ root, size: 16, channels: 3, cacheDir: cacheDir() });
    expect(warm.cacheBuilt).toBe(false);
  });

  it('reports a class whose only images are corrupt', async () => {
    const small = join(work, 'small');
    mkdirSync(join(small, 'good'), { recursive: true });
    mkdirSync(join(small, 'broken'), { recursive: true });
    await solid(0, 20, 20).png().toFile(join(small, 'good', 'x.png'));
    writeFileSync(join(small, 'broken', 'y.jpg'), 'nope');
    const data = await loadImageFolder({ root: small, size: 8, channels: 3, cacheDir: join(work, 'cache-small') });
    expect(data.bad.map((b) => b.reason)).toEqual([expect.stringMatching(/cannot be decoded/), 'class "broken" has no readable image']);
  });

  it('a build that dies leaves the previous cache in place and no temporary file', () => {
    const dir = join(work, 'cache-crash');
    mkdirSync(dir);
    const file = join(dir, 'c.bin');
    const key = Buffer.alloc(32, 1);
    const first = new FolderCacheWriter(file, 2, 1, key);
    first.append(Uint8Array.of(1, 2, 3, 4), 0);
    first.finish({ classes: ['a', 'b'], files: ['x'], splits: [''], bad: [] });
    const second = new FolderCacheWriter(file, 2, 1, Buffer.alloc(32, 2));
    second.append(Uint8Array.of(9, 9, 9, 9), 1);
    second.abort();
    expect(existsSync(second.temp)).toBe(false);
    const reader = FolderCacheReader.open(file, { sourceKey: key, side: 2, channels: 1 });
    if (!(reader instanceof FolderCacheReader)) throw new Error(reader.rejected);
    expect(Array.from(reader.readAll())).toEqual([1, 2, 3, 4]);
    reader.close();
  });
});
