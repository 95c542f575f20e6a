import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { initEngine, tf } from '@cnnlab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchSource, CACHE_HEADER_BYTES, computeNormalization, DEFAULT_SPLIT, makeSplit, decodeCache, defaultCacheDir, FASHION_MNIST_CACHE_FILE, FASHION_MNIST_CLASSES, loadDataset, loadFashionMnist, type FashionMnistDataset,
} from '../../src/data/index.js';
import { tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

// Built once in the shared cache folder (a few seconds the first time), then reused by later runs.
let fm: FashionMnistDataset;
beforeAll(() => {
  fm = loadFashionMnist();
});

describe('Fashion-MNIST', () => {
  it('holds all 70,000 images, 7,000 per class, 28×28 gray', () => {
    expect(fm.count).toBe(70_000);
    expect(fm.images.length).toBe(70_000 * 784);
    expect([fm.height, fm.width, fm.channels]).toEqual([28, 28, 1]);
    expect(fm.classes).toEqual([...FASHION_MNIST_CLASSES]);
    expect(fm.classes[0]).toBe('T-shirt/top');
    expect(fm.classes[9]).toBe('Ankle boot');
    const perClass = new Array<number>(10).fill(0);
    for (const l of fm.labels) perClass[l]!++;
    expect(perClass).toEqual(new Array(10).fill(7000));
    expect(fm.note).toMatch(/pools the official 60,000 training and 10,000 test/);
    expect(fm.cacheFile).toBe(join(defaultCacheDir(), FASHION_MNIST_CACHE_FILE));
  });

  it('matches the package JSON byte for byte at known places', () => {
    const class0 = (JSON.parse(readFileSync(require.resolve('fashion-mnist/src/clothes/0.json'), 'utf8')) as { data: number[][] }).data;
    // A known pixel of image 0 of class 0 (row 7, column 4 of the T-shirt).
    expect(class0[0]![200]).toBe(216);
    expect(fm.images[200]).toBe(216);
    expect(Array.from(fm.images.subarray(0, 784))).toEqual(class0[0]);
    // The package file has empty rows at 1000 and 7001, which are skipped: cached image 1000 is JSON row 1001.
    expect(class0[1000]).toEqual([]);
    expect(Array.from(fm.images.subarray(1000 * 784, 1001 * 784))).toEqual(class0[1001]);
    expect(Array.from(fm.images.subarray(6999 * 784, 7000 * 784))).toEqual(class0[7000]);
    expect(fm.labels[6999]).toBe(0);
    expect(fm.labels[7000]).toBe(1);
    const class9 = (JSON.parse(readFileSync(require.resolve('fashion-mnist/src/clothes/9.json'), 'utf8')) as { data: number[][] }).data;
    expect(Array.from(fm.images.subarray(69_999 * 784))).toEqual(class9[6999]);
  });

  it('loads from the cache afterwards, quickly, through loadDataset too', () => {
    const t = performance.now();
    const again = loadFashionMnist();
    const ms = performance.now() - t;
    expect(again.cacheBuilt).toBe(false);
    expect(ms).toBeLessThan(3000);
    const ds = loadDataset({ name: 'fashion-mnist' });
    expect(ds.count).toBe(70_000);
    expect(ds.images[200]).toBe(216);
    expect('cacheFile' in ds).toBe(false);
  });

  it('detects a corrupted cache and rebuilds it', () => {
    const file = join(tmp.dir, FASHION_MNIST_CACHE_FILE);
    copyFileSync(fm.cacheFile, file);
    const bytes = readFileSync(file);
    bytes[CACHE_HEADER_BYTES + 12345] ^= 0xff;
    writeFileSync(file, bytes);
    const logs: string[] = [];
    const rebuilt = loadFashionMnist({ cacheDir: tmp.dir, log: (m) => logs.push(m) });
    expect(rebuilt.cacheBuilt).toBe(true);
    expect(logs.join('\n')).toMatch(/invalid \(payload checksum mismatch \(sha256\)\); rebuilding/);
    // (Buffer.equals: vitest's toEqual on 55 MB arrays takes minutes.)
    expect(Buffer.from(rebuilt.images).equals(Buffer.from(fm.images))).toBe(true);
    expect(Buffer.from(rebuilt.labels).equals(Buffer.from(fm.labels))).toBe(true);
    // The rebuilt file is valid again and is used as is.
    expect(loadFashionMnist({ cacheDir: tmp.dir }).cacheBuilt).toBe(false);
  });

  it('validates size, magic and dimensions without rebuilding', () => {
    const good = readFileSync(fm.cacheFile);
    expect(decodeCache(good).ok).toBe(true);
    const truncated = decodeCache(good.subarray(0, good.length - 1));
    expect(truncated.ok ? '' : truncated.reason).toMatch(/54950095 bytes; the header \(70000 images of 28×28×1\) needs 54950096/);
    const badMagic = Buffer.from(good.subarray(0, 200));
    badMagic[0] = 0x41;
    const magic = decodeCache(badMagic);
    expect(magic.ok ? '' : magic.reason).toBe('magic "ANNLABDS"; expected "CNNLABDS"');
    const dims = decodeCache(good, { height: 96 });
    expect(dims.ok ? '' : dims.reason).toBe('height 28; expected 96');
    expect(decodeCache(good, { sourceKey: new Uint8Array(32) }).ok).toBe(false);
  });

  it('splits 49,000/14,000/7,000 and feeds 224×224 batches normalised with training statistics', async () => {
    await initEngine({ backend: 'cpu' });
    const split = makeSplit(fm.labels, DEFAULT_SPLIT, 0);
    expect([split.train.length, split.val.length, split.test.length]).toEqual([49_000, 14_000, 7_000]);
    const norm = computeNormalization(fm, split.train);
    expect(norm.mean[0]).toBeCloseTo(0.286, 2); // the well-known Fashion-MNIST statistics
    expect(norm.std[0]).toBeCloseTo(0.353, 2);
    const src = new BatchSource(fm, split.train, { inputShape: [1, 224, 224], normalization: norm, batchSize: 8 });
    const { x, y } = src.batch(src.epochOrder(0, 0), 0);
    expect(x.shape).toEqual([8, 224, 224, 1]);
    expect(y.shape).toEqual([8]);
    tf.dispose([x, y]);
  });

  it('honours $CNNLAB_CACHE_DIR', () => {
    const before = process.env.CNNLAB_CACHE_DIR;
    process.env.CNNLAB_CACHE_DIR = tmp.dir;
    try {
      expect(defaultCacheDir()).toBe(tmp.dir);
    } finally {
      if (before === undefined) delete process.env.CNNLAB_CACHE_DIR;
      else process.env.CNNLAB_CACHE_DIR = before;
    }
    expect(defaultCacheDir('/work/main/packages/trainer')).toMatch(/node_modules\/\.cache\/cnnlab$/);
  });
});
