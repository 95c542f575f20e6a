import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, loadDataset, parseIdx, readIdxFile } from '../../src/data/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

const H = 3;
const W = 5;
function images(n: number, offset: number): Uint8Array {
  return Uint8Array.from({ length: n * H * W }, (_, i) => (i * 3 + offset) & 255);
}
function labels(n: number, offset: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i + offset) % 10);
}

function folder(name: string, files: Record<string, Buffer>): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes);
  return dir;
}

describe('IDX files', () => {
  it('reads train (gzipped) and t10k (plain), pooled train first', () => {
    const dir = folder('pooled', {
      'train-images-idx3-ubyte.gz': gzipSync(idx(0x803, [6, H, W], images(6, 0))),
      'train-labels-idx1-ubyte.gz': gzipSync(idx(0x801, [6], labels(6, 0))),
      't10k-images-idx3-ubyte': idx(0x803, [4, H, W], images(4, 100)),
      't10k-labels-idx1-ubyte': idx(0x801, [4], labels(4, 7)),
    });
    const ds = loadDataset({ name: 'idx', dir });
    expect(ds.count).toBe(10);
    expect([ds.height, ds.width, ds.channels]).toEqual([H, W, 1]);
    expect(Array.from(ds.images.subarray(0, 6 * H * W))).toEqual(Array.from(images(6, 0)));
    expect(Array.from(ds.images.subarray(6 * H * W))).toEqual(Array.from(images(4, 100)));
    expect(Array.from(ds.labels)).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9, 0]);
    expect(ds.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.note).toMatch(/train \(6\) and t10k \(4\): a seeded split draws from all 10 pooled; --split official tests on t10k/);
    // The same files as Fashion-MNIST get its class names.
    expect(loadDataset({ name: 'fashion-mnist', dir }).classes).toEqual([...FASHION_MNIST_CLASSES]);
  });

  it('accepts the train-images.idx3-ubyte spelling and a single set', () => {
    const dir = folder('dotted', {
      'train-images.idx3-ubyte': idx(0x803, [2, H, W], images(2, 0)),
      'train-labels.idx1-ubyte': idx(0x801, [2], Uint8Array.of(1, 2)),
    });
    const ds = loadDataset({ name: 'idx', dir, classes: ['a', 'b', 'c'] });
    expect(ds.count).toBe(2);
    expect(ds.classes).toEqual(['a', 'b', 'c']);
    expect(() => loadDataset({ name: 'idx', dir, classes: ['a', 'b'] })).toThrow(/holds label 2, but only 2 class names were given/);
  });

  it('names the file and the expected magic when a label file is given as images', () => {
    const path = join(folder('swapped', { 'train-images-idx3-ubyte': idx(0x801, [2], Uint8Array.of(1, 2)) }), 'train-images-idx3-ubyte');
    expect(() => readIdxFile(path, 'images')).toThrow(`idx: ${path}: magic 0x00000801 is a label file; expected 0x00000803 (images)`);
    expect(() => parseIdx(idx(0x803, [1, 1, 1], Uint8Array.of(0)), 'x', 'labels')).toThrow('idx: x: magic 0x00000803 is an image file; expected 0x00000801 (labels)');
    expect(() => parseIdx(idx(0x00000d03, [1, 1, 1], new Uint8Array(4)), 'x', 'images')).toThrow(/element type 0x0d \(float32\), not uint8/);
    expect(() => parseIdx(Buffer.from('GIF89a...'), 'x', 'images')).toThrow(/is not an IDX header/);
  });

  it('reports truncated files', () => {
    const full = idx(0x803, [6, H, W], images(6, 0));
    const path = join(folder('truncated', { 'train-images-idx3-ubyte': full.subarray(0, full.length - 7) }), 'train-images-idx3-ubyte');
    expect(() => readIdxFile(path, 'images')).toThrow(`idx: ${path} has ${full.length - 7} bytes; expected ${full.length} (16-byte header + 6×3×5 uint8) — the file is truncated`);
    const gz = gzipSync(full);
    const gzPath = join(folder('truncated-gz', { 'train-images-idx3-ubyte.gz': gz.subarray(0, gz.length - 10) }), 'train-images-idx3-ubyte.gz');
    expect(() => readIdxFile(gzPath, 'images')).toThrow(/could not be decompressed .*truncated/);
    expect(() => parseIdx(Uint8Array.of(0, 0), 'x', 'images')).toThrow(/2 bytes, too short/);
  });

  it('checks that image and label counts match, and that both files exist', () => {
    const dir = folder('mismatch', {
      'train-images-idx3-ubyte': idx(0x803, [6, H, W], images(6, 0)),
      'train-labels-idx1-ubyte': idx(0x801, [5], labels(5, 0)),
    });
    expect(() => loadDataset({ name: 'idx', dir })).toThrow(/holds 6 images but .*train-labels-idx1-ubyte holds 5 labels/);
    const lonely = folder('lonely', { 't10k-images-idx3-ubyte': idx(0x803, [1, H, W], images(1, 0)) });
    expect(() => loadDataset({ name: 'idx', dir: lonely })).toThrow(/has no matching labels file; expected .*t10k-labels-idx1-ubyte/);
    const empty = folder('empty', {});
    expect(() => loadDataset({ name: 'idx', dir: empty })).toThrow(/no IDX files in .*; expected train-images-idx3-ubyte/);
    expect(() => loadDataset({ name: 'idx', dir: join(tmp.dir, 'nope') })).toThrow(/is not a directory/);
    expect(() => loadDataset({ name: 'idx' })).toThrow(/a folder is required/);
  });
});
