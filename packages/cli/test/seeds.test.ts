import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeedMarginRecord } from '@cnnlab/search';
import { readReport } from '@cnnlab/trainer';
import { cnnlab } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnlab-seeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (name: string) => join(dir, name);

describe('cnnlab seeds', () => {
  beforeAll(async () => {
    for (const [name, lr, seed] of [['a', '0.3', '0'], ['b', '0.3', '1'], ['c', '0.5', '2']] as const) {
      const { code, err } = await cnnlab('train', '--arch', 'lenet', '--epochs', '2', '--limit', '300', '--batch-size', '32', '--lr', lr, '--seed', seed, '--logdir', dir, '--name', name);
      expect(code, err).toBe(0);
    }
  });

  it('writes the margin run of runs that differ only by their seed', async () => {
    const { code, out, err } = await cnnlab('seeds', run('summary-seeds'), run('a'), run('b'));
    expect(code, err).toBe(0);
    expect(out).toMatch(/Wrote .*summary-seeds: mean ± sd of 2 seeds: .*a \(seed 0\), .*b \(seed 1\)/);
    expect(out).toMatch(/^\s+1\s+2\s+\d\.\d{4} ± \d\.\d{4}/m);
    const record = readSeedMarginRecord(run('summary-seeds'));
    const [a, b] = [readReport(run('a')).history, readReport(run('b')).history];
    expect(record.epochs[1]!.bands!.val_loss.mean).toBeCloseTo((a[1]!.valLoss + b[1]!.valLoss) / 2, 12);
    expect(record.params).toMatchObject({ arch: 'lenet', lr: 0.3 });
    expect(record.params).not.toHaveProperty('seed');
    expect((await cnnlab('seeds', run('summary-seeds'), run('a'), run('b'))).out).toMatch(/^Up to date: /);
  });

  it('refuses runs that differ in more than the seed, naming the key', async () => {
    const { code, err } = await cnnlab('seeds', run('summary-mixed'), run('a'), run('c'));
    expect(code).toBe(1);
    expect(err).toMatch(/c and .*a differ in more than the seed: lr \(0\.5 in .*c, 0\.3 in .*a\)\. Seed margins average runs that differ only by their seed/);
    expect(existsSync(run('summary-mixed'))).toBe(false);
  });

  it('refuses a repeated seed, a single run and an output inside a run', async () => {
    expect((await cnnlab('seeds', run('summary-x'), run('a'), run('a'))).err).toMatch(/have the same seed 0/);
    expect((await cnnlab('seeds', run('summary-x'), run('a'))).err).toMatch(/at least two runs, got 1/);
    expect((await cnnlab('seeds', join(run('a'), 'seeds'), run('a'), run('b'))).err).toMatch(/lies inside the run .*a: choose an output folder outside the runs/);
    expect((await cnnlab('seeds', run('c'), run('a'), run('b'))).err).toMatch(/c exists and is not a seed-margins run/);
  });
});
