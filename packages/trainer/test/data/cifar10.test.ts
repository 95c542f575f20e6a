import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_BATCH_FILES, CIFAR10_CLASSES, loadDataset } from '../../src/data/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A record: label, then R, G, B planes (CHW) with R = 10+y, G = 100+x, B = batch*16 + record. */
function batch(b: number, records: number): Buffer {
  const out = Buffer.alloc(records * 3073);
  for (let r = 0; r < records; r++) {
    const o = r * 3073;
    out[o] = (b * 3 + r) % 10;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        out[o + 1 + y * 32 + x] = 10 + y;
        out[o + 1 + 1024 + y * 32 + x] = 100 + x;
        out[o + 1 + 2048 + y * 32 + x] = b * 16 + r;
      }
    }
  }
  return out;
}

function cifarDir(name: string, nested = false): string {
  const dir = join(tmp.dir, name);
  const root = nested ? join(dir, 'cifar-10-batches-bin') : dir;
  mkdirSync(root, { recursive: true });
  CIFAR10_BATCH_FILES.forEach((f, b) => writeFileSync(join(root, f), batch(b, 2)));
  return dir;
}

describe('CIFAR-10 binary batches', () => {
  it('pools the six batches and converts CHW to HWC', () => {
    const dir = cifarDir('ok');
    const ds = loadDataset({ name: 'cifar10', dir });
    expect(ds.count).toBe(12);
    expect([ds.height, ds.width, ds.channels]).toEqual([32, 32, 3]);
    expect(ds.classes).toEqual([...CIFAR10_CLASSES]);
    expect(Array.from(ds.labels)).toEqual([0, 1, 3, 4, 6, 7, 9, 0, 2, 3, 5, 6]);
    // Image 7 (batch 3, record 1), pixel (y=5, x=9): R = 15, G = 109, B = 3·16 + 1.
    const at = ((7 * 32 + 5) * 32 + 9) * 3;
    expect(Array.from(ds.images.subarray(at, at + 3))).toEqual([15, 109, 49]);
    expect(ds.note).toMatch(/data_batch_1..5 \(10\) and test_batch \(2\): a seeded split draws from all 12 pooled; --split official tests on test_batch/);
    // As gray for 1-channel models.
    const gray = loadDataset({ name: 'cifar10', dir, grayscale: true });
    expect(gray.channels).toBe(1);
    expect(gray.images[(7 * 32 + 5) * 32 + 9]).toBe(Math.round(0.299 * 15 + 0.587 * 109 + 0.114 * 49));
  });

  it('reads class names from batches.meta.txt and the cifar-10-batches-bin subfolder', () => {
    const dir = cifarDir('meta', true);
    writeFileSync(join(dir, 'cifar-10-batches-bin', 'batches.meta.txt'), `${CIFAR10_CLASSES.map((c) => c.toUpperCase()).join('\n')}\n\n`);
    const ds = loadDataset({ name: 'cifar10', dir });
    expect(ds.classes[0]).toBe('AIRPLANE');
    expect(ds.classes).toHaveLength(10);
  });

  it('names a malformed batch and what was expected', () => {
    const dir = cifarDir('bad');
    const path = join(dir, 'data_batch_3.bin');
    writeFileSync(path, Buffer.alloc(30000));
    expect(() => loadDataset({ name: 'cifar10', dir })).toThrow(`cifar10: ${path} has 30000 bytes; expected a multiple of 3073 (1 label byte + 3072 pixel bytes)`);
  });

  it('names a missing batch', () => {
    const dir = cifarDir('missing');
    rmSync(join(dir, 'test_batch.bin'));
    expect(() => loadDataset({ name: 'cifar10', dir })).toThrow(`cifar10: ${join(dir, 'test_batch.bin')} is missing; expected data_batch_1.bin`);
    expect(() => loadDataset({ name: 'cifar10' })).toThrow(/a folder is required/);
  });

  it('rejects labels beyond the class names', () => {
    const dir = cifarDir('labels');
    const b = batch(0, 2);
    b[3073] = 12;
    writeFileSync(join(dir, 'data_batch_1.bin'), b);
    expect(() => loadDataset({ name: 'cifar10', dir })).toThrow(/data_batch_1.bin record 1 has label 12; expected 0..9/);
  });
});
