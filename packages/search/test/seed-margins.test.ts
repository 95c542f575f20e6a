import '@cnnlab/arch-lenet';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunDirectory, scalarSeries } from '@cnnlab/tfevents';
import {
  formatSweepReport, meanSd, readSeedMarginRecord, runSweep, seedGroupsOfTrials, seedMargins, SEED_MARGIN_LAYOUT, SEED_TAGS, uniqueSlugs, writeSeedMarginRun,
  writeSweepSeedMargins, type SeedEpoch, type SeedTrial,
} from '../src/index.js';
import { TINY } from './helpers/specs.js';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-seed-margins-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A history whose train/val metrics are the given numbers plus fixed offsets, so each metric's mean is known. */
const history = (valLoss: readonly number[]): SeedEpoch[] =>
  valLoss.map((v, i) => ({ epoch: i + 1, valLoss: v, valAcc: 1 - v, trainLoss: v / 2, trainAcc: 0.5 + v / 4 }));

const trial = (index: number, params: SeedTrial['params'], status = 'finished', valLoss: number[] = [1, 0.5]): SeedTrial =>
  ({ index, name: `trial-${String(index).padStart(3, '0')}`, params, status, history: history(valLoss) });

async function scalars(runDir: string) {
  const { events } = await readRunDirectory(runDir);
  return { series: scalarSeries(events), events };
}

describe('mean ± sd across seeds', () => {
  it('is the mean and the sample standard deviation (n − 1)', () => {
    expect(meanSd([1, 2, 3, 4])).toEqual({ n: 4, mean: 2.5, sd: Math.sqrt(5 / 3) });
    const { mean, sd } = meanSd([0.42, 0.38, 0.47]);
    expect(mean).toBeCloseTo(0.423333333, 9);
    expect(sd).toBeCloseTo(0.045092498, 9);
    expect(meanSd([7])).toEqual({ n: 1, mean: 7, sd: null });
    expect(() => meanSd([])).toThrow(/at least one value/);
  });

  it('counts per epoch only the seeds that reached it (uneven lengths) and draws no band from one seed', () => {
    const rows = seedMargins([history([1, 0.8, 0.6]), history([2, 1.2]), history([3])]);
    expect(rows.map((r) => [r.epoch, r.n])).toEqual([[1, 3], [2, 2], [3, 1]]);
    const first = rows[0]!.bands!;
    expect(first.val_loss).toEqual({ mean: 2, sd: 1, lower: 1, upper: 3 });
    expect(first.val_accuracy.mean).toBeCloseTo(-1, 12);
    expect(first.train_loss).toEqual({ mean: 1, sd: 0.5, lower: 0.5, upper: 1.5 });
    expect(first.train_accuracy.sd).toBeCloseTo(0.25, 12);
    const second = rows[1]!.bands!.val_loss;
    expect(second.mean).toBeCloseTo(1, 12);
    expect(second.sd).toBeCloseTo(Math.SQRT2 * 0.2, 12);
    expect(rows[2]!.bands).toBeNull();
  });
});

describe('seed groups of a sweep', () => {
  it('groups trials that differ only by seed, one member per seed, leaving out failed and unfinished trials (not promoted ones)', () => {
    const groups = seedGroupsOfTrials([
      trial(0, { lr: 0.1, seed: 0 }), trial(1, { lr: 0.1, seed: 1 }), trial(2, { lr: 0.1, seed: 2 }, 'failed'),
      trial(3, { lr: 0.3, seed: 0 }), trial(4, { lr: 0.3, seed: 1 }, 'running'), trial(5, { lr: 0.3, seed: 0 }, 'pruned'),
      trial(6, { lr: 0.3, seed: 2 }, 'pruned', [0.9]),
      // Promoted by successive halving and training its next rung: its history up to the last rung counts.
      { ...trial(7, { lr: 0.3, seed: 3 }, 'running'), rung: 1 },
    ]);
    expect(groups.map((g) => [g.slug, g.params, g.members.map((m) => `${m.name}:${m.seed}`)])).toEqual([
      ['lr=0.1', { lr: 0.1 }, ['trial-000:0', 'trial-001:1']],
      ['lr=0.3', { lr: 0.3 }, ['trial-003:0', 'trial-006:2', 'trial-007:3']],
    ]);
  });

  it('finds no groups where the seed is not swept', () => {
    expect(seedGroupsOfTrials([trial(0, { lr: 0.1 }), trial(1, { lr: 0.3 })])).toEqual([]);
  });

  it('names groups readably and uniquely', () => {
    expect(uniqueSlugs([{ lr: 0.1, 'archOptions.normPosition': 'after' }, { input: [1, 32, 32] }, {}]))
      .toEqual(['lr=0.1,archOptions.normPosition=after', 'input=_1,32,32_', 'base']);
    const [a, b] = uniqueSlugs([{ name: 'a b' }, { name: 'a/b' }]);
    expect(a).toMatch(/^name=a_b-[0-9a-f]{8}$/);
    expect(b).toMatch(/^name=a_b-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    const [long] = uniqueSlugs([{ 'archOptions.description': 'x'.repeat(200) }]);
    expect(long!.length).toBeLessThanOrEqual(96);
  });

  it('writes no margin run for a group with a single seed', () => {
    const dir = join(root, 'single');
    expect(writeSweepSeedMargins(dir, [trial(0, { lr: 0.1, seed: 0 }), trial(1, { lr: 0.3, seed: 0 })])).toEqual([]);
    expect(existsSync(join(dir, 'seeds'))).toBe(false);
  });
});

describe('a margin run', () => {
  const dir = join(root, 'margin');
  const members = [{ name: 'a', seed: 0, history: history([1, 0.5]) }, { name: 'b', seed: 1, history: history([3, 1.5]) }];

  it('holds seeds/n and mean, lower, upper per epoch, the margin layout and a text naming the members', async () => {
    expect(writeSeedMarginRun(dir, { lr: 0.1 }, members)).toBe(true);
    const { series, events } = await scalars(dir);
    const values = (tag: string) => series.get(tag)!.map((p) => [p.step, p.value]);
    expect(values(SEED_TAGS.n)).toEqual([[1, 2], [2, 2]]);
    expect(values('seeds/val_loss/mean')).toEqual([[1, 2], [2, 1]]);
    const sd1 = Math.SQRT2, sd2 = Math.SQRT2 / 2;
    expect(values('seeds/val_loss/lower').map(([, v]) => v)).toEqual([2 - sd1, 1 - sd2].map((v) => Math.fround(v)));
    expect(values('seeds/val_loss/upper').map(([, v]) => v)).toEqual([2 + sd1, 1 + sd2].map((v) => Math.fround(v)));
    for (const m of ['val_accuracy', 'train_loss', 'train_accuracy']) for (const p of ['mean', 'lower', 'upper']) expect(series.has(`seeds/${m}/${p}`)).toBe(true);
    const text = events.flatMap((e) => e.summary?.values ?? []).find((v) => v.tag === SEED_TAGS.about);
    expect(text?.kind === 'text' ? String(text.text) : '').toMatch(/over 2 seeds: a \(seed 0, 2 epochs\), b \(seed 1, 2 epochs\)[\s\S]*\| lr \| 0\.1 \|/);
    expect(events.some((e) => e.summary?.values.some((v) => v.tag === 'custom_scalars__config__'))).toBe(true);
    expect(SEED_MARGIN_LAYOUT[0]!.charts.map((c) => ('margin' in c ? c.margin[0]!.value : ''))).toEqual(
      ['seeds/val_loss/mean', 'seeds/val_accuracy/mean', 'seeds/train_loss/mean', 'seeds/train_accuracy/mean']);
    expect(readSeedMarginRecord(dir).members).toEqual([{ name: 'a', seed: 0, epochs: 2 }, { name: 'b', seed: 1, epochs: 2 }]);
  });

  it('is not written again while its group is unchanged; a change appends a file whose START drops the old points', async () => {
    const files = () => readdirSync(dir).filter((f) => f.includes('tfevents'));
    expect(writeSeedMarginRun(dir, { lr: 0.1 }, members)).toBe(false);
    expect(files()).toHaveLength(1);
    const third = { name: 'c', seed: 2, history: history([2, 1, 0.25]) };
    expect(writeSeedMarginRun(dir, { lr: 0.1 }, [...members, third])).toBe(true);
    expect(files()).toHaveLength(2);
    const { series } = await scalars(dir);
    expect(series.get(SEED_TAGS.n)!.map((p) => [p.step, p.value])).toEqual([[1, 3], [2, 3], [3, 1]]);
    expect(series.get('seeds/val_loss/mean')!.map((p) => [p.step, p.value])).toEqual([[1, 2], [2, 1]]);
  });
});

describe('a sweep over lr and seed', () => {
  it('writes a margin run per lr as its trials finish, listed in sweep.json', async () => {
    const dir = join(root, 'sweep');
    const seen: Record<string, boolean> = {};
    const state = await runSweep({
      name: 'lr-seed', method: 'grid', test: false,
      base: { arch: 'lenet', epochs: 2, ...TINY },
      parameters: { lr: { values: [0.1, 0.5] }, seed: { values: [0, 1] } },
    }, { dir, hooks: { onTrialEnd: (t) => { seen[t.name] = existsSync(join(dir, 'seeds', 'summary-lr=0.1')); } } });
    expect(seen).toEqual({ 'trial-000': false, 'trial-001': true, 'trial-002': true, 'trial-003': true });
    expect(state.seedRuns).toEqual([
      { dir: 'seeds/summary-lr=0.1', params: { lr: 0.1 }, trials: ['trial-000', 'trial-001'], seeds: [0, 1] },
      { dir: 'seeds/summary-lr=0.5', params: { lr: 0.5 }, trials: ['trial-002', 'trial-003'], seeds: [0, 1] },
    ]);
    const [t0, t1] = state.trials;
    const { series } = await scalars(join(dir, 'seeds', 'summary-lr=0.1'));
    expect(series.get('seeds/val_loss/mean')!.map((p) => p.value)).toEqual(
      [0, 1].map((i) => Math.fround((t0!.history[i]!.valLoss + t1!.history[i]!.valLoss) / 2)));
    expect(t0!.history[0]!.valLoss).not.toBe(t1!.history[0]!.valLoss);
    const { mean, sd } = meanSd([t0!.value!, t1!.value!]);
    expect(formatSweepReport(state)).toContain(`  lr=0.1: ${mean.toFixed(4)} ± ${sd!.toFixed(4)} over 2 seeds — seeds/summary-lr=0.1`);
  });
});
