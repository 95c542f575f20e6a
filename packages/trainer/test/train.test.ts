import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, tf } from '@cnnlab/core';
import { readRunDirectory, scalarSeries } from '@cnnlab/tfevents';
import {
  CheckpointStore, evaluateRun, findRuns, learningRate, loadSplit, readReport, resolveTrainConfig, runPaths, train, updateSchedule,
  initialScheduleState, DEFAULT_SCHEDULE, type LoopState,
} from '../src/index.js';
import { TEST_RUN } from './helpers/test-arch.js';
import '@cnnlab/arch-lenet';

let logdir: string;
beforeAll(() => { logdir = mkdtempSync(join(tmpdir(), 'cnnlab-train-')); });
afterAll(() => rmSync(logdir, { recursive: true, force: true }));

describe('configuration errors fail before training, with a clear message', () => {
  it.each([
    [{ lr: -1 }, /lr must be a positive number, got -1/],
    [{ batchSize: 0 }, /batchSize must be a positive integer, got 0/],
    [{ split: { train: 0.7, val: 0.2, test: 0.2 } }, /split fractions must sum to 1 \(got 0.7 \+ 0.2 \+ 0.2 = 1.1\)/],
    [{ epochs: 2.5 }, /epochs must be a positive integer, got 2.5/],
    [{ optimizer: { momentum: 1.5 } }, /optimizer.momentum must be in \[0, 1\), got 1.5/],
    [{ microBatch: 100, batchSize: 64 }, /microBatch \(100\) cannot exceed batchSize \(64\)/],
  ])('%j', (bad, message) => {
    expect(() => resolveTrainConfig({ arch: 'lenet', ...(bad as object) })).toThrow(message);
  });

  it('an unknown architecture names close matches', async () => {
    await expect(train({ arch: 'lenett', logdir, name: 'x' })).rejects.toThrow(/Unknown architecture "lenett". Did you mean: lenet/);
    expect(existsSync(join(logdir, 'x'))).toBe(false);
  });

  it('an input the architecture cannot take fails before a run directory exists', async () => {
    await expect(train({ arch: 'lenet', input: [1, 8, 8], dataset: { limit: 200 }, logdir, name: 'small' })).rejects.toThrow(/Layer "block2.conv1" \(Conv2D\) cannot take input 6x4x4/);
    expect(existsSync(join(logdir, 'small'))).toBe(false);
  });

  it('never reuses a run directory that holds a run', async () => {
    await train({ ...TEST_RUN, epochs: 1, dataset: { limit: 300 }, logdir, name: 'taken' });
    await expect(train({ ...TEST_RUN, epochs: 1, dataset: { limit: 300 }, logdir, name: 'taken' })).rejects.toThrow(/already exists and is not empty: choose another --name, or continue it with --resume/);
  });
});

describe('a diverging run', () => {
  it('stops at a non-finite loss with a message and a checkpoint of the last good state', async () => {
    const error = await train({ arch: 'test-divergent', lr: 1e6, batchSize: 32, epochs: 2, dataset: { limit: 300 }, logdir, name: 'nan' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/The training loss became (NaN|Infinity) in epoch 1, batch \d+ \(lr 1000000\); the run stopped\. The last good state is in .*latest\.ckpt/);
    const report = readReport(join(logdir, 'nan'));
    expect(report.status).toBe('failed');
    const { checkpoint } = new CheckpointStore(join(logdir, 'nan', 'checkpoints')).loadNewest<LoopState>((a, b) => a.globalStep > b.globalStep)!;
    for (const t of checkpoint.tensors) expect(t.values.every(Number.isFinite), t.name).toBe(true);
  });
});

describe('a finished run', () => {
  let runDir: string;
  beforeAll(async () => {
    runDir = (await train({ arch: 'bn-lenet', epochs: 4, lr: 0.5, dataset: { limit: 2000 }, logdir, name: 'bn-lenet', earlyStopping: { enabled: true, patience: 1 } })).runDir;
  });

  it('records its split (disjoint, reproducible) and normalisation from the training split', async () => {
    const paths = runPaths(runDir);
    const split = loadSplit(paths.split);
    expect(split.train.length + split.val.length + split.test.length).toBe(2000);
    expect([split.train.length, split.val.length, split.test.length]).toEqual([1400, 400, 200]);
    const again = resolveTrainConfig({ arch: 'lenet' });
    expect(again.split).toEqual({ train: 0.7, val: 0.2, test: 0.1 });
  });

  it('logs every epoch to TensorBoard with its hyper-parameters in the same run directory', async () => {
    const { events, damage } = await readRunDirectory(runDir);
    expect(damage).toEqual([]);
    const series = scalarSeries(events);
    const report = readReport(runDir);
    expect(series.get('val/loss')!.map((p) => p.step)).toEqual(report.history.map((m) => m.epoch));
    expect(series.get('val/loss')!.map((p) => p.value)).toEqual(report.history.map((m) => Math.fround(m.valLoss)));
    const hparams = events.flatMap((e) => e.summary?.values ?? []).filter((v) => v.tag.startsWith('_hparams_/')).map((v) => v.tag);
    expect(hparams.sort()).toEqual(['_hparams_/session_end_info', '_hparams_/session_start_info']);
  });

  it('keeps the best epoch\'s weights and stops early when validation stops improving', async () => {
    const report = readReport(runDir);
    const losses = report.history.map((m) => m.valLoss);
    expect(report.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    if (report.status === 'stopped-early') expect(report.history.length - report.bestEpoch!).toBe(1);
    const best = new CheckpointStore(join(runDir, 'checkpoints')).loadBest<LoopState>()!;
    const model = await loadModel(join(runDir, 'best-model'));
    model.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).toEqual(Array.from(best.tensors[i]!.values)));
    expect(report.diagnosis?.bestEpoch).toBeDefined();
    model.dispose();
  });

  it('evaluates the test split once, with a confusion matrix, and refuses a second look', async () => {
    const result = await evaluateRun(runDir);
    expect(result.count).toBe(200);
    expect(result.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(result.accuracy).toBeGreaterThan(0.5);
    expect(readReport(runDir).test?.accuracy).toBe(result.accuracy);
    await expect(evaluateRun(runDir)).rejects.toThrow(/already evaluated .* pass --force/);
  });

  it('is listed with its status', () => {
    const runs = findRuns(logdir);
    expect(runs.find((r) => r.name === 'bn-lenet')?.report.arch).toBe('bn-lenet');
  });
});

describe('schedules', () => {
  it('step, cosine, warm-up and reduce-on-plateau', () => {
    const s = { ...DEFAULT_SCHEDULE };
    expect([0, 9, 10, 25].map((e) => learningRate(1, e, 30, { ...s, name: 'step', stepSize: 10, gamma: 0.1 }, initialScheduleState()))).toEqual([1, 1, 0.1, 0.010000000000000002]);
    const cos = (e: number) => learningRate(1, e, 11, { ...s, name: 'cosine', minLr: 0 }, initialScheduleState());
    expect([cos(0), cos(5), cos(10)].map((x) => +x.toFixed(6))).toEqual([1, 0.5, 0]);
    expect([0, 1, 2].map((e) => learningRate(1, e, 10, { ...s, warmupEpochs: 2, warmupStart: 0 }, initialScheduleState()))).toEqual([0.5, 1, 1]);
    let st = initialScheduleState();
    const plateau = { ...s, name: 'plateau' as const, patience: 1, gamma: 0.5 };
    for (const loss of [1, 0.9, 0.95, 0.96]) st = updateSchedule(plateau, st, loss);
    expect(learningRate(1, 4, 10, plateau, st)).toBe(0.5);
  });
});

describe('micro-batches', () => {
  it('accumulate to the same update as the whole batch (no batch norm, no dropout), leaking no tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const whole = await train({ arch: 'lenet', epochs: 1, batchSize: 64, dataset: { limit: 300 }, logdir, name: 'whole' });
    const micro = await train({ arch: 'lenet', epochs: 1, batchSize: 64, microBatch: 16, dataset: { limit: 300 }, logdir, name: 'micro' });
    const weights = (dir: string) => new CheckpointStore(join(dir, 'checkpoints')).loadBest<LoopState>()!.tensors;
    const a = weights(whole.runDir), b = weights(micro.runDir);
    a.forEach((t, i) => {
      const err = Math.max(...Array.from(t.values, (v, j) => Math.abs(v - b[i]!.values[j]!)));
      expect(err, t.name).toBeLessThan(1e-4);
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
