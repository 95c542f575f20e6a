import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkFractions, DEFAULT_SPLIT, labelsChecksum, loadSplit, makeSplit, parseSplitFractions, saveSplit, splitClassCounts, type Split, type SplitFractions,
} from '../../src/data/index.js';
import { syntheticDataset, tempDir } from './helpers.js';

const uneven = syntheticDataset({ perClass: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], height: 1, width: 1 });
const labels = uneven.labels;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function expectPartition(split: Split, n: number) {
  const seen = new Uint8Array(n);
  for (const part of ['train', 'val', 'test'] as const) {
    for (let j = 0; j < split[part].length; j++) {
      const i = split[part][j]!;
      expect(seen[i]).toBe(0); // no overlap
      seen[i] = 1;
      if (j > 0) expect(i).toBeGreaterThan(split[part][j - 1]!); // sorted
    }
  }
  expect(seen.every((v) => v === 1)).toBe(true); // union = all
  expect(split.train.length + split.val.length + split.test.length).toBe(n);
}

function expectStratified(split: Split, fractions: SplitFractions) {
  const counts = splitClassCounts(split, labels, 10);
  const perClass = Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
  for (const part of ['train', 'val', 'test'] as const) {
    for (let c = 0; c < 10; c++) {
      expect(Math.abs(counts[part][c]! - fractions[part] * perClass[c]!)).toBeLessThan(1);
    }
    // Overall sizes within about one of the exact share too.
    expect(Math.abs(split[part].length - fractions[part] * labels.length)).toBeLessThanOrEqual(1);
  }
  for (let c = 0; c < 10; c++) expect(counts.train[c]! + counts.val[c]! + counts.test[c]!).toBe(perClass[c]);
}

describe('makeSplit', () => {
  it('partitions the data 70/20/10 by default, stratified per class', () => {
    const split = makeSplit(labels, undefined, 1);
    expect(split.fractions).toEqual(DEFAULT_SPLIT);
    expectPartition(split, labels.length);
    expectStratified(split, DEFAULT_SPLIT);
    expect(split.count).toBe(labels.length);
    expect(split.labelsChecksum).toBe(labelsChecksum(labels));
  });

  it('is exact for Fashion-MNIST-like class sizes', () => {
    const fm = new Uint8Array(70_000).map((_, i) => i % 10);
    const split = makeSplit(fm, DEFAULT_SPLIT, 0);
    expect([split.train.length, split.val.length, split.test.length]).toEqual([49_000, 14_000, 7_000]);
    const counts = splitClassCounts(split, fm);
    expect(counts.train.every((n) => n === 4900)).toBe(true);
    expect(counts.val.every((n) => n === 1400)).toBe(true);
    expect(counts.test.every((n) => n === 700)).toBe(true);
  });

  it('is reproducible for a seed and different for another', () => {
    const a = makeSplit(labels, DEFAULT_SPLIT, 42);
    const b = makeSplit(labels, DEFAULT_SPLIT, 42);
    expect(b.train).toEqual(a.train);
    expect(b.val).toEqual(a.val);
    expect(b.test).toEqual(a.test);
    const c = makeSplit(labels, DEFAULT_SPLIT, 43);
    expect(c.train).not.toEqual(a.train);
    expect(c.train.length).toBe(a.train.length);
  });

  it('takes custom fractions (70/10/20, 80/20/0, odd ones)', () => {
    for (const f of [{ train: 0.7, val: 0.1, test: 0.2 }, { train: 0.8, val: 0.2, test: 0 }, { train: 1 / 3, val: 1 / 3, test: 1 / 3 }, { train: 0.55, val: 0.3, test: 0.15 }]) {
      const split = makeSplit(labels, f, 9);
      expectPartition(split, labels.length);
      expectStratified(split, f);
    }
    expect(makeSplit(labels, { train: 0.8, val: 0.2, test: 0 }, 1).test.length).toBe(0);
    // Same seed and train fraction: same training set whatever val/test are.
    expect(makeSplit(labels, { train: 0.7, val: 0.1, test: 0.2 }, 5).train).toEqual(makeSplit(labels, DEFAULT_SPLIT, 5).train);
  });

  it('rejects bad fractions with a clear error', () => {
    expect(() => makeSplit(labels, { train: 0.7, val: 0.2, test: 0.2 }, 1)).toThrow(/sum to 1 \(within 1e-9\); got train 0.7, val 0.2, test 0.2 \(sum 1.1/);
    expect(() => makeSplit(labels, { train: 1.2, val: -0.1, test: -0.1 }, 1)).toThrow(/each be a number in \[0, 1\]/);
    expect(() => makeSplit(labels, { train: Number.NaN, val: 0.5, test: 0.5 }, 1)).toThrow(/\[0, 1\]/);
    expect(() => checkFractions({ train: 0.7, val: 0.2 } as SplitFractions)).toThrow(/test undefined/);
    expect(() => checkFractions({ train: 0.7, val: 0.2, test: 0.1 + 2e-9 })).toThrow(/sum to 1/);
    expect(checkFractions({ train: 0.7, val: 0.2, test: 0.1 + 5e-10 })).toBeTruthy();
    expect(() => makeSplit(labels, DEFAULT_SPLIT, 1.5)).toThrow(/seed/);
  });

  it('parses 70/20/10 and 0.7,0.1,0.2', () => {
    expect(parseSplitFractions('70/20/10')).toEqual({ train: 0.7, val: 0.2, test: 0.1 });
    expect(parseSplitFractions('0.7,0.1,0.2')).toEqual({ train: 0.7, val: 0.1, test: 0.2 });
    expect(() => parseSplitFractions('70/20')).toThrow(/three numbers/);
    expect(() => parseSplitFractions('70/20/20')).toThrow(/sum to 1/);
  });
});

describe('saveSplit / loadSplit', () => {
  it('round-trips exactly and compactly', () => {
    const fm = new Uint8Array(70_000).map((_, i) => (i * 7) % 10);
    const split = makeSplit(fm, DEFAULT_SPLIT, 3);
    const path = join(tmp.dir, 'run', 'split.json');
    saveSplit(path, split);
    const size = readFileSync(path).length;
    expect(size).toBeLessThan(120_000); // vs 373 kB of plain base64 indices
    const back = loadSplit(path, fm);
    expect(back.train).toEqual(split.train);
    expect(back.val).toEqual(split.val);
    expect(back.test).toEqual(split.test);
    expect(back.seed).toBe(3);
    expect(back.fractions).toEqual(DEFAULT_SPLIT);
    expect(back.labelsChecksum).toBe(split.labelsChecksum);
  });

  it('detects a split made for another data set', () => {
    const split = makeSplit(labels, DEFAULT_SPLIT, 3);
    const path = join(tmp.dir, 'other.json');
    saveSplit(path, split);
    const other = labels.slice();
    other[0] = (other[0]! + 1) % 10;
    expect(() => loadSplit(path, other)).toThrow(/made for a different data set/);
    expect(() => loadSplit(path, labels.subarray(1))).toThrow(/made for 10000 images, but the data set has 9999/);
    expect(() => loadSplit(path, labels)).not.toThrow();
  });

  it('detects a corrupt file', () => {
    const split = makeSplit(labels, DEFAULT_SPLIT, 3);
    const path = join(tmp.dir, 'corrupt.json');
    saveSplit(path, split);
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    json.val = json.test;
    (json.sizes as Record<string, number>).val = split.test.length;
    writeFileSync(path, JSON.stringify(json));
    expect(() => loadSplit(path)).toThrow(/checksum mismatch|more than one part/);
    writeFileSync(path, '{"format":"something"}');
    expect(() => loadSplit(path)).toThrow(/not a cnnlab split/);
    writeFileSync(path, '{');
    expect(() => loadSplit(path)).toThrow(/could not be read as JSON/);
  });
});
