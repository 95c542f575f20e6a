import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig, resolveTrainConfig, type RunReport } from '@cnnlab/trainer';
import '@cnnlab/arch-lenet';
import { cnnlab } from './run-cli.js';
import { writeTinyCifar10 } from '../../../test-support/tiny-cifar.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cnnlab-first-hour-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('cnnlab train on a 3-channel data set with a 1-channel model', () => {
  it('fails naming --grayscale and --input 3,32,32, leaving no run; --grayscale trains it; resuming it when finished says how to extend it', async () => {
    const data = writeTinyCifar10(join(dir, 'cifar'));
    const args = ['train', '--arch', 'lenet', '--dataset', 'cifar10', '--data-dir', data, '--epochs', '1', '--batch-size', '32', '--logdir', dir];
    const rgb = await cnnlab(...args, '--name', 'rgb');
    expect(rgb.code).not.toBe(0);
    expect(rgb.err).toMatch(/3 channels \(RGB\) but the model takes 1\. Convert the images to gray with --grayscale .* --input 3,32,32/);
    expect(existsSync(join(dir, 'rgb'))).toBe(false);
    expect((await cnnlab('runs', '--logdir', dir)).out).not.toMatch(/rgb/);

    const gray = await cnnlab(...args, '--name', 'gray', '--grayscale');
    expect(gray.code).toBe(0);
    expect(gray.out).toMatch(/Run finished/);
    expect(readConfig(join(dir, 'gray')).dataset.grayscale).toBe(true);

    const again = await cnnlab('train', '--resume', join(dir, 'gray'));
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/already finished all 1 epochs, so there is nothing to resume\. To train it further, resume with more epochs: --resume <run> --epochs 6/);
    expect(again.out).not.toMatch(/Continuing from/);
  });
});

describe('cnnlab runs', () => {
  it('shows the run’s median throughput over epochs (as the dashboard), not the mean or the last epoch’s', async () => {
    const runDir = join(dir, 'logdir-throughput', 'two-epochs');
    mkdirSync(runDir, { recursive: true });
    const epoch = (n: number, imagesPerSecond: number, seconds: number) => ({ epoch: n, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, lr: 0.1, seconds, imagesPerSecond });
    const report: RunReport = {
      name: 'two-epochs', arch: 'lenet', status: 'finished', startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:01:00.000Z',
      engine: { backend: 'wasm', threads: 2, simd: true }, dataset: { name: 'fashion-mnist', images: 100, train: 70, val: 20, test: 10 },
      params: { trainable: 61706, total: 61706, macs: 1 }, epochsPlanned: 3,
      // 100, 300 and 400 img/s: the median is 300 (the mean, 10,000 images / 50 s, is 200; the last epoch 400).
      history: [epoch(1, 100, 30), epoch(2, 300, 10), epoch(3, 400, 10)],
      bestEpoch: 2, bestValLoss: 1, bestValAcc: 0.5, diagnosis: null, resumes: 0,
    };
    writeFileSync(join(runDir, 'config.json'), JSON.stringify(resolveTrainConfig({ arch: 'lenet' })));
    writeFileSync(join(runDir, 'report.json'), JSON.stringify(report));
    const { out } = await cnnlab('runs', '--logdir', join(dir, 'logdir-throughput'));
    expect(out).toMatch(/median img\/s/);
    expect(out).toMatch(/^two-epochs\s+lenet\s+finished\s+seeded\s+3\/3\s+2\s+0\.5000\s+-\s+61,706\s+300\s/m);
  });

  it('says "interrupted" for a run left "running" by a killed trainer (its lock names a dead process)', async () => {
    const runDir = join(dir, 'logdir-killed', 'killed');
    mkdirSync(runDir, { recursive: true });
    const epoch = (n: number) => ({ epoch: n, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, lr: 0.1, seconds: 1, imagesPerSecond: 100 });
    const report: RunReport = {
      name: 'killed', arch: 'lenet', status: 'running', startedAt: '2026-01-01T00:00:00.000Z', updatedAt: new Date().toISOString(),
      engine: { backend: 'wasm', threads: 2, simd: true }, dataset: { name: 'fashion-mnist', images: 100, train: 70, val: 20, test: 10 },
      params: { trainable: 61706, total: 61706, macs: 1 }, epochsPlanned: 30,
      history: [epoch(1), epoch(2)], bestEpoch: 1, bestValLoss: 1, bestValAcc: 0.5, diagnosis: null, resumes: 0,
    };
    writeFileSync(join(runDir, 'config.json'), JSON.stringify(resolveTrainConfig({ arch: 'lenet' })));
    writeFileSync(join(runDir, 'report.json'), JSON.stringify(report));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(runDir, '.lock'), String(dead));
    expect((await cnnlab('runs', '--logdir', join(dir, 'logdir-killed'))).out).toMatch(/^killed\s+lenet\s+interrupted\s+seeded\s+2\/30/m);
    // A live trainer (this process holds the lock) is still running.
    writeFileSync(join(runDir, '.lock'), String(process.pid));
    expect((await cnnlab('runs', '--logdir', join(dir, 'logdir-killed'))).out).toMatch(/^killed\s+lenet\s+running\s+seeded\s+2\/30/m);
  });
});
