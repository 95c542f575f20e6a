import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLearningRate } from '@cnnlab/trainer';
import { lrFindOptionsFrom } from '../src/commands/lr-find.js';
import { cnnlab } from './run-cli.js';

describe('cnnlab lr-find', () => {
  it.each([
    [['--min', '0'], /--min must be a number > 0, got "0"/],
    [['--max', 'ten'], /--max must be a number > 0, got "ten"/],
    [['--steps', '5'], /--steps must be an integer ≥ 10, got "5"/],
    [['--min', '1', '--max', '0.1'], /--min \(1\) must be smaller than --max \(0.1\)/],
    [['--arch', 'no-such-net'], /Unknown architecture "no-such-net"/],
    [['--batch-size', '0'], /--batch-size must be an integer ≥ 1, got "0"/],
  ])('rejects %j with a clear error and trains nothing', async (args, message) => {
    const { err, code } = await cnnlab('lr-find', ...args, '--logdir', '/nonexistent/lr-find-test');
    expect(err).toMatch(message);
    expect(code).not.toBe(0);
  });

  it('passes the ramp and the training options on, without the options a range test sets itself', () => {
    const options = lrFindOptionsFrom({ arch: 'lenet', min: 1e-5, max: 1, steps: 50, batchSize: 128, momentum: 0.9, logdir: 'runs', name: 'x' });
    expect(options).toMatchObject({ arch: 'lenet', batchSize: 128, optimizer: { momentum: 0.9 }, range: { min: 1e-5, max: 1, steps: 50 }, logdir: 'runs', name: 'x' });
    for (const key of ['lr', 'epochs', 'schedule', 'earlyStopping', 'checkpoint', 'ema']) expect(options).not.toHaveProperty(key);
  });
});

describe('cnnlab runs lists lr-find results', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cnnlab-runs-lr-find-'));
    const { code, err } = await cnnlab('lr-find', '--arch', 'lenet', '--steps', '12', '--limit', '300', '--batch-size', '32', '--logdir', dir, '--name', 'lf-lenet');
    expect(code, err).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('in a table of their own, with the suggested rate the result holds', async () => {
    const record = JSON.parse(readFileSync(join(dir, 'lf-lenet', 'lr-find.json'), 'utf8'));
    const { out, code } = await cnnlab('runs', '--logdir', dir);
    expect(code).toBe(0);
    expect(out).toMatch(/learning-rate range tests \(cnnlab lr-find\)/);
    expect(out).toMatch(new RegExp(`^lf-lenet\\s+lenet\\s+fashion-mnist\\s+32\\s+sgd\\s+${formatLearningRate(record.suggestedLr).replace('.', '\\.')}\\s`, 'm'));
    expect(out).not.toMatch(/No runs under/);
  });

  it('in --json with kind lr-find beside the training runs, without the curve', async () => {
    const listed = JSON.parse((await cnnlab('runs', '--logdir', dir, '--json')).out);
    expect(listed).toEqual([expect.objectContaining({ kind: 'lr-find', name: 'lf-lenet', arch: 'lenet', batchSize: 32 })]);
    expect(listed[0].points).toBeUndefined();
  });

  it('names a damaged lr-find.json and its field, and lists the rest', async () => {
    const bad = join(dir, 'broken');
    mkdirSync(bad);
    writeFileSync(join(bad, 'lr-find.json'), JSON.stringify({ kind: 'lr-find', arch: 'lenet' }));
    try {
      const { out, err } = await cnnlab('runs', '--logdir', dir);
      expect(err).toMatch(/skipped an lr-find result: .*broken[/\\]lr-find\.json: dataset must be a string/);
      expect(out).toMatch(/^lf-lenet\s/m);
    } finally {
      rmSync(bad, { recursive: true });
    }
  });
});
