import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { computeNormalization, loadNormalization, makeSplit, normalizationTable, saveNormalization, type Dataset } from '../../src/data/index.js';
import { syntheticDataset, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Direct float64 mean / population std over the given images, per channel, in [0,1] units. */
function reference(ds: Dataset, indices: ArrayLike<number>) {
  const per = ds.height * ds.width * ds.channels;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < ds.channels; c++) {
    let s = 0;
    let n = 0;
    for (let k = 0; k < indices.length; k++) for (let p = c; p < per; p += ds.channels) { s += ds.images[indices[k]! * per + p]! / 255; n++; }
    const m = s / n;
    let q = 0;
    for (let k = 0; k < indices.length; k++) for (let p = c; p < per; p += ds.channels) q += (ds.images[indices[k]! * per + p]! / 255 - m) ** 2;
    mean.push(m);
    std.push(Math.sqrt(q / n));
  }
  return { mean, std };
}

describe('computeNormalization', () => {
  it('uses the training images only', () => {
    // Training images are dark, validation/test images bright: the statistics must be the dark ones.
    const ds = syntheticDataset({ perClass: [50, 50], height: 5, width: 5 });
    const split = makeSplit(ds.labels, { train: 0.6, val: 0.2, test: 0.2 }, 1);
    const inTrain = new Uint8Array(ds.count);
    for (const i of split.train) inTrain[i] = 1;
    const per = 25;
    for (let i = 0; i < ds.count; i++) for (let p = 0; p < per; p++) ds.images[i * per + p] = inTrain[i] ? (i + p) % 40 : 200 + ((i * p) % 50);
    const norm = computeNormalization(ds, split.train);
    const ref = reference(ds, split.train);
    expect(norm.mean[0]).toBeCloseTo(ref.mean[0]!, 12);
    expect(norm.std[0]).toBeCloseTo(ref.std[0]!, 12);
    expect(norm.mean[0]).toBeLessThan(40 / 255);
    const all = reference(ds, Array.from({ length: ds.count }, (_, i) => i));
    expect(Math.abs(norm.mean[0]! - all.mean[0]!)).toBeGreaterThan(0.2);
  });

  it('is per channel for RGB data', () => {
    const ds = syntheticDataset({ perClass: [10, 10], height: 3, width: 4, channels: 3, pixel: (i, p) => (p % 3 === 0 ? 255 : p % 3 === 1 ? (i * 13 + p) & 255 : 10) });
    const idx = [0, 3, 5, 8, 13];
    const norm = computeNormalization(ds, idx);
    const ref = reference(ds, idx);
    expect(norm.mean).toHaveLength(3);
    for (let c = 0; c < 3; c++) expect(norm.mean[c]).toBeCloseTo(ref.mean[c]!, 12);
    expect(norm.mean[0]).toBe(1);
    expect(norm.std[0]).toBe(1); // constant channel: std falls back to 1
    expect(norm.std[1]).toBeCloseTo(ref.std[1]!, 12);
    expect(norm.mean[2]).toBeCloseTo(10 / 255, 12);
  });

  it('rejects empty or out-of-range training indices', () => {
    const ds = syntheticDataset({ perClass: [2, 2] });
    expect(() => computeNormalization(ds, [])).toThrow(/empty training split/);
    expect(() => computeNormalization(ds, [0, 9])).toThrow(/index 9 is out of range/);
  });

  it('saves and loads as JSON; the table applies it', () => {
    const norm = { mean: [0.2860, 0.5], std: [0.3530, 0.25] };
    const path = join(tmp.dir, 'run', 'normalization.json');
    saveNormalization(path, norm);
    expect(loadNormalization(path)).toEqual(norm);
    const lut = normalizationTable(2, norm);
    expect(lut[255]).toBe(Math.fround((1 - 0.286) / 0.353));
    expect(lut[256 + 0]).toBe(Math.fround(-0.5 / 0.25));
    expect(normalizationTable(1)[51]).toBe(Math.fround(0.2));
    expect(() => normalizationTable(1, norm)).toThrow(/has 2 channels, but the data has 1/);
    writeFileSync(path, JSON.stringify({ mean: [0.1], std: [0] }));
    expect(() => loadNormalization(path)).toThrow(/std must be positive/);
  });
});
