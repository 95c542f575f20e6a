import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDirectory } from '@cnnlab/tfevents';
import {
  exponentialRates, LR_FIND_FILE, lrFind, SmoothedLoss, suggestRates, validateLrRange, type Dataset, type LrFindRecord, type LrPoint,
} from '../src/index.js';
import './helpers/test-arch.js';

/** A curve over the default ramp whose smoothed loss is `f(ln lr)`. */
function curve(f: (x: number) => number, steps = 100): LrPoint[] {
  return exponentialRates({ min: 1e-7, max: 10, steps }).map((lr, step) => ({ step, lr, loss: f(Math.log(lr)), smoothedLoss: f(Math.log(lr)) }));
}

describe('range test pieces', () => {
  it('ramps exponentially from min to max, both included', () => {
    const rates = exponentialRates({ min: 1e-4, max: 1, steps: 5 });
    expect(rates).toHaveLength(5);
    [1e-4, 1e-3, 1e-2, 1e-1, 1].forEach((r, i) => expect(rates[i]).toBeCloseTo(r, 12));
  });

  it('rejects ranges that cannot work, naming the option', () => {
    expect(() => validateLrRange({ min: 0, max: 1, steps: 100 })).toThrow(/min must be a positive number, got 0/);
    expect(() => validateLrRange({ min: 1, max: 0.1, steps: 100 }, { min: '--min', max: '--max', steps: '--steps' })).toThrow(/--min \(1\) must be smaller than --max \(0.1\)/);
    expect(() => validateLrRange({ min: 1e-7, max: 1, steps: 5 })).toThrow(/steps must be an integer ≥ 10, got 5/);
  });

  it('smooths the loss as fastai does: a debiased moving average with β = 0.98', () => {
    const s = new SmoothedLoss();
    expect(s.add(2)).toBeCloseTo(2, 12); // (0.02·2)/(1−0.98)
    // By hand: avg = 0.98·0.04 + 0.02·1 = 0.0592; debiased by 1 − 0.98² = 0.0396.
    expect(s.add(1)).toBeCloseTo(0.0592 / 0.0396, 12);
  });

  it('suggests the steepest descent of the curve, and a tenth of its minimum', () => {
    // Falls fastest (per unit of ln lr) at lr = 1e-2.
    const steep = suggestRates(curve((x) => 2 - Math.tanh(x - Math.log(1e-2))), 100);
    expect(steep.steepest.lr).toBeGreaterThan(1e-2 / 1.25);
    expect(steep.steepest.lr).toBeLessThan(1e-2 * 1.25);
    // Lowest at lr = 1e-3.
    const bowl = suggestRates(curve((x) => (x - Math.log(1e-3)) ** 2), 100);
    expect(bowl.minimumOver10.lr).toBeGreaterThan(1e-4 / 1.25);
    expect(bowl.minimumOver10.lr).toBeLessThan(1e-4 * 1.25);
  });

  it('leaves out the first tenth and the last 5 points, as fastai does', () => {
    // The steepest drop is in the first tenth and the last points: both are noise or divergence, not a suggestion.
    const points = curve((x) => 3 - 0.01 * x);
    points[2]!.smoothedLoss = -100;
    points[97]!.smoothedLoss = -100;
    const { steepest, minimumOver10 } = suggestRates(points, 100);
    expect(steepest.step).toBeGreaterThanOrEqual(10);
    expect(steepest.step).toBeLessThan(95);
    expect(minimumOver10.step).toBe(94);
  });
});

/** 10 classes of 28x28 gray images: a bright 6x6 square at a class's place on a 5x2 grid, over noise; 20% label noise. */
function synthetic(count: number): Dataset {
  const images = new Uint8Array(count * 28 * 28);
  const labels = new Uint8Array(count);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < count; i++) {
    const k = i % 10;
    // Every fifth label is wrong, so the loss cannot reach 0 and large rates keep taking large steps.
    labels[i] = random() < 0.2 ? Math.floor(random() * 10) : k;
    const [top, left] = [2 + 12 * Math.floor(k / 5), 1 + 5 * (k % 5)];
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const inside = y >= top && y < top + 6 && x >= left && x < left + 6;
      images[(i * 28 + y) * 28 + x] = Math.floor(random() * 100) + (inside ? 150 : 0);
    }
  }
  return { name: 'synthetic', images, labels, count, height: 28, width: 28, channels: 1, classes: Array.from({ length: 10 }, (_, k) => `square-${k}`), source: 'test' };
}

describe('lrFind on a synthetic problem', () => {
  let logdir: string;
  let result: Awaited<ReturnType<typeof lrFind>>;
  beforeAll(async () => {
    logdir = mkdtempSync(join(tmpdir(), 'cnnlab-lr-find-'));
    result = await lrFind({ arch: 'test-bnnet', batchSize: 32, optimizer: 'sgd', data: synthetic(1000), logdir, name: 'synthetic', range: { min: 1e-6, max: 100, steps: 80 } });
  }, 120_000);
  afterAll(() => rmSync(logdir, { recursive: true, force: true }));

  it('suggests a rate in the range where SGD on a batch-norm net learns, and stops when the loss diverges', () => {
    const { record } = result;
    expect(record.suggestedLr).toBe(record.suggestions.steepest.lr);
    // Plain SGD on a small BN conv net: rates of 1e-3 and below barely move it in 80 steps, 100 blows it up.
    expect(record.suggestedLr).toBeGreaterThan(1e-3);
    expect(record.suggestedLr).toBeLessThan(3);
    expect(record.stoppedBy).not.toBe('all steps');
    expect(record.points.length).toBeLessThan(80);
    const best = Math.min(...record.points.map((p) => p.smoothedLoss));
    expect(best).toBeLessThan(record.points[0]!.smoothedLoss * 0.8);
  });

  it('writes the curve as scalars at step = index and the result as JSON', async () => {
    const saved = JSON.parse(readFileSync(join(result.dir, LR_FIND_FILE), 'utf8')) as LrFindRecord;
    expect(saved.suggestedLr).toBe(result.record.suggestedLr);
    expect(saved.defaultLr).toBe(0.05);
    const { events } = await readRunDirectory(result.dir);
    const series = (tag: string) => events.flatMap((e) => (e.summary?.values ?? []).filter((v) => v.tag === tag).map((v) => [e.step, v.kind === 'scalar' ? v.value : NaN]));
    expect(series('lr_find/lr').map(([step]) => step)).toEqual(result.record.points.map((p) => p.step));
    series('lr_find/lr').forEach(([, lr], i) => expect(lr).toBeCloseTo(result.record.points[i]!.lr, 5 - Math.log10(result.record.points[i]!.lr)));
    expect(series('lr_find/loss').map(([, v]) => v)).toEqual(result.record.points.map((p) => Math.fround(p.smoothedLoss)));
  });

  it('refuses to write over an earlier result', async () => {
    await expect(lrFind({ arch: 'test-bnnet', data: synthetic(100), logdir, name: 'synthetic' })).rejects.toThrow(/already exists; choose another --name/);
  });
});
