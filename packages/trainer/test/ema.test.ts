import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, tf } from '@cnnlab/core';
import { readRunDirectory } from '@cnnlab/tfevents';
import { CheckpointStore, evaluateRun, ModelEma, readConfig, resolveTrainConfig, train, type LoopState } from '../src/index.js';
import { TEST_RUN } from './helpers/test-arch.js';

const f32 = Math.fround;
/** One EMA step in float32, as the tensors compute it: decay·e + (1−decay)·m. */
const step = (e: number, m: number, decay: number) => f32(f32(e * f32(decay)) + f32(m * f32(1 - decay)));

describe('ModelEma', () => {
  it('starts as a copy of the weights and moves by decay·shadow + (1−decay)·weight after each update', () => {
    const w = tf.tensor1d([1, -2, 0.5]);
    const ema = new ModelEma(0.9, [w]);
    expect(Array.from(ema.weights[0]!.dataSync())).toEqual([1, -2, 0.5]);
    ema.update([tf.tensor1d([3, 4, 0.5])]);
    // By hand: 0.9·1 + 0.1·3 = 1.2, 0.9·(−2) + 0.1·4 = −1.4, and a weight that does not move stays.
    expect(Array.from(ema.weights[0]!.dataSync())).toEqual([step(1, 3, 0.9), step(-2, 4, 0.9), step(0.5, 0.5, 0.9)]);
    expect(ema.weights[0]!.dataSync()[0]).toBeCloseTo(1.2, 6);
    expect(ema.weights[0]!.dataSync()[1]).toBeCloseTo(-1.4, 6);
    ema.update([tf.tensor1d([0, 0, 0])]);
    expect(ema.weights[0]!.dataSync()[0]).toBeCloseTo(1.08, 6); // 0.9 · 1.2
    expect(ema.weights[0]!.dataSync()[1]).toBeCloseTo(-1.26, 6);
    ema.dispose();
  });

  it('round-trips through checkpoint entries and refuses a checkpoint without them', () => {
    const ema = new ModelEma(0.5, [tf.tensor2d([[1, 2]]), tf.tensor1d([3])]);
    ema.update([tf.tensor2d([[3, 4]]), tf.tensor1d([5])]);
    const entries = ema.entries(['conv/kernel', 'bn/moving_mean']);
    expect(entries.map((e) => e.name)).toEqual(['ema/0/conv/kernel', 'ema/1/bn/moving_mean']);
    const other = new ModelEma(0.5, [tf.zeros([1, 2]), tf.zeros([1])]);
    other.restore(entries, 'latest.ckpt');
    expect(Array.from(other.weights[0]!.dataSync())).toEqual([2, 3]);
    expect(Array.from(other.weights[1]!.dataSync())).toEqual([4]);
    expect(() => other.restore([], 'latest.ckpt')).toThrow(/latest.ckpt holds 0 EMA tensors/);
    ema.dispose();
    other.dispose();
  });

  it('is validated in the config (decay in [0, 1), 0 = off)', () => {
    expect(() => resolveTrainConfig({ arch: 'test-bnnet', ema: 1 })).toThrow(/ema must be in \[0, 1\)/);
    expect(() => resolveTrainConfig({ arch: 'test-bnnet', ema: -0.1 })).toThrow(/ema must be in \[0, 1\)/);
    expect(resolveTrainConfig({ arch: 'test-bnnet' }).ema).toBe(0);
    expect(resolveTrainConfig({ arch: 'test-bnnet', ema: 0.999 }).ema).toBe(0.999);
  });
});

describe('training with --ema', () => {
  let logdir: string;
  let runDir: string;
  beforeAll(async () => {
    logdir = mkdtempSync(join(tmpdir(), 'cnnlab-ema-'));
    runDir = (await train({ ...TEST_RUN, arch: 'test-bnnet', epochs: 2, ema: 0.9, dataset: { limit: 600 }, logdir, name: 'ema' })).runDir;
  }, 120_000);
  afterAll(() => rmSync(logdir, { recursive: true, force: true }));

  const best = () => new CheckpointStore(join(runDir, 'checkpoints')).loadBest<LoopState>()!;

  it('checkpoints a shadow of every weight, batch norm moving statistics included', () => {
    const tensors = best().tensors;
    const own = tensors.filter((t) => t.name.startsWith('w/'));
    const shadow = tensors.filter((t) => t.name.startsWith('ema/'));
    expect(shadow.map((t) => t.name.replace(/^ema\//, ''))).toEqual(own.map((t) => t.name.replace(/^w\//, '')));
    expect(shadow.some((t) => /moving_mean/.test(t.name))).toBe(true);
    expect(shadow.some((t) => /moving_variance/.test(t.name))).toBe(true);
    // After a few dozen steps at decay 0.9 the average differs from the weights it follows.
    expect(shadow.some((t, i) => !Buffer.from(t.values.buffer).equals(Buffer.from(own[i]!.values.buffer)))).toBe(true);
  });

  it('keeps the EMA weights as the best model', async () => {
    const shadow = best().tensors.filter((t) => t.name.startsWith('ema/'));
    const model = await loadModel(join(runDir, 'best-model'));
    const exported = model.getWeights();
    expect(exported.length).toBe(shadow.length);
    exported.forEach((w, i) => expect(Buffer.from((w.dataSync() as Float32Array).buffer).equals(Buffer.from(shadow[i]!.values.buffer)), shadow[i]!.name).toBe(true));
    model.dispose();
  });

  it('validates the EMA weights: the best epoch\'s validation loss is that of the EMA weights evaluated afterwards', async () => {
    const { readReport } = await import('../src/index.js');
    const report = readReport(runDir);
    const val = await evaluateRun(runDir, { split: 'val' });
    expect(val.loss).toBeCloseTo(report.bestValLoss!, 5);
    expect(val.accuracy).toBeCloseTo(report.bestValAcc!, 6);
  });

  it('records ema as a hyper-parameter', async () => {
    expect(readConfig(runDir).ema).toBe(0.9);
    const values = (await readRunDirectory(runDir)).events.flatMap((e) => e.summary?.values ?? []);
    const start = values.find((v) => v.tag === '_hparams_/session_start_info');
    expect(start?.kind === 'hparams' && start.data.sessionStartInfo?.hparams.ema).toBe(0.9);
    // No experiment record: TensorBoard builds the columns from the sessions' hparams.
    expect(values.filter((v) => v.tag === '_hparams_/experiment')).toHaveLength(0);
  });
});
