import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SummaryWriter } from '@cnnlab/tfevents';
import type { EpochMetrics } from '@cnnlab/trainer';
import { writeCnnlabRun, writeForeignRun } from './fixtures.js';

/** A training curve: losses falling from `start`, validation loss rising again after `overfitFrom` (if given), a little seeded wobble. */
export function curve(o: { epochs?: number; start?: number; floor?: number; overfitFrom?: number; seed?: number } = {}): EpochMetrics[] {
  const { epochs = 12, start = 1.4, floor = 0.35, overfitFrom, seed = 1 } = o;
  const wobble = (e: number) => 0.012 * Math.sin(seed * 12.9898 + e * 78.233);
  return Array.from({ length: epochs }, (_, i) => {
    const epoch = i + 1;
    const trainLoss = floor * 0.6 + (start - floor * 0.6) * Math.exp(-0.35 * epoch) + wobble(epoch);
    const rise = overfitFrom !== undefined && epoch > overfitFrom ? 0.06 * (epoch - overfitFrom) : 0;
    const valLoss = floor + (start - floor) * Math.exp(-0.4 * epoch) + rise + wobble(epoch + 3);
    return {
      epoch, trainLoss, valLoss, trainAcc: Math.min(0.99, 1 - trainLoss / 2), valAcc: Math.min(0.98, 1 - valLoss / 2.2),
      lr: 0.1 * 0.9 ** i, seconds: 2, imagesPerSecond: 1000 + 10 * seed,
    };
  });
}

export const LONG_A = 'experiments/2025-01-fashion/lenet-relu-batchnorm-dropout-0.5-lr-0.1-wd-5e-4-a-very-long-descriptive-name-A';
export const LONG_B = 'experiments/2025-01-fashion/lenet-relu-batchnorm-dropout-0.5-lr-0.1-wd-5e-4-a-very-long-descriptive-name-B';
export const SWEEP = 'sweeps/lenet-lr';
export const SEARCH = 'search/anynet';
export const GAP_RUN = 'lenet-crc-gap';
export const LIVE_RUN = 'lenet-live';
export const SEED_RUNS = ['seeds/lenet-s1', 'seeds/lenet-s2', 'seeds/lenet-s3'];
export const TRIALS = Array.from({ length: 8 }, (_, i) => `${SWEEP}/trial-${String(i + 1).padStart(3, '0')}`);

/**
 * A logdir as a real user has it, 30 runs: trainings (two with very long names that overfit at the same epochs),
 * a sweep of 8 trials, a design-space search of 6 models with its 2 EDF summary runs, 3 runs differing only by
 * seed, a run with an epoch missing from its event files (lost to a bad record), a foreign TensorBoard run and a
 * live run (its trainer's pid in .lock).
 */
export function writeScaleLogdir(logdir: string): string[] {
  const names: string[] = [];
  const cnnlab = (name: string, o: Parameters<typeof writeCnnlabRun>[2]) => {
    writeCnnlabRun(logdir, name, o);
    names.push(name);
  };
  cnnlab('lenet-baseline', { history: curve({ seed: 1, overfitFrom: 7 }), startedAt: '2025-01-02T01:00:00.000Z', test: 0.81 });
  cnnlab('lenet-wide', { history: curve({ seed: 2, floor: 0.3 }), startedAt: '2025-01-02T02:00:00.000Z' });
  cnnlab('resnet-small', { history: curve({ seed: 3, start: 1.8, floor: 0.28, overfitFrom: 9 }), startedAt: '2025-01-02T03:00:00.000Z' });
  cnnlab('vgg-tiny', { history: curve({ seed: 8, start: 2.1, floor: 0.4 }), startedAt: '2025-01-02T05:00:00.000Z' });
  cnnlab('nin-mini', { history: curve({ seed: 9, floor: 0.45, overfitFrom: 10 }), startedAt: '2025-01-02T06:00:00.000Z' });
  cnnlab('alexnet-short', { history: curve({ seed: 4, epochs: 5, start: 2 }), startedAt: '2025-01-02T04:00:00.000Z' });
  cnnlab(LONG_A, { history: curve({ seed: 5, overfitFrom: 6 }), startedAt: '2025-01-03T01:00:00.000Z' });
  cnnlab(LONG_B, { history: curve({ seed: 6, floor: 0.33, overfitFrom: 6 }), startedAt: '2025-01-03T02:00:00.000Z' });
  cnnlab(GAP_RUN, { history: curve({ seed: 7 }), skipEpochs: [6], startedAt: '2025-01-03T03:00:00.000Z' });
  SEED_RUNS.forEach((name, i) => cnnlab(name, { history: curve({ seed: 10 + i, floor: 0.34 + 0.02 * i }), config: { seed: i + 1 }, startedAt: `2025-01-04T0${i}:00:00.000Z` }));

  // A sweep: sweep.json marks the directory; its trials are ordinary runs.
  mkdirSync(join(logdir, SWEEP), { recursive: true });
  writeFileSync(join(logdir, SWEEP, 'sweep.json'), JSON.stringify({ version: 1, kind: 'sweep', name: 'lenet-lr', status: 'finished', trials: [] }));
  TRIALS.forEach((name, i) => cnnlab(name, { history: curve({ seed: 20 + i, epochs: i < 3 ? 8 : 2, floor: 0.3 + 0.03 * i }), config: { lr: 0.01 * (i + 1) }, startedAt: `2025-01-05T0${i}:00:00.000Z` }));

  // A design-space search: models per space, and an EDF summary run per space (not a training).
  mkdirSync(join(logdir, SEARCH), { recursive: true });
  writeFileSync(join(logdir, SEARCH, 'search.json'), JSON.stringify({ version: 1, kind: 'design-space-search', status: 'finished', models: [] }));
  for (const space of ['AnyNetX_A', 'AnyNetX_E']) {
    for (let m = 0; m < 3; m++) cnnlab(`${SEARCH}/${space}/model-00${m}`, { history: curve({ seed: 40 + m + (space.endsWith('E') ? 5 : 0), epochs: 3 }), startedAt: `2025-01-06T0${m}:00:00.000Z` });
    const edf = `${SEARCH}/edf-${space}`;
    const w = new SummaryWriter(join(logdir, edf), { flushIntervalMs: 0 });
    for (let k = 1; k <= 10; k++) w.scalar('edf/fraction', k / 10, k, { wallTime: 1_736_000_000 + k });
    w.close();
    names.push(edf);
  }

  // Another tool's TensorBoard run, and a live cnnlab run.
  writeForeignRun(logdir, 'pytorch/resnet-baseline', 10).writer.close();
  names.push('pytorch/resnet-baseline');
  cnnlab(LIVE_RUN, { history: curve({ seed: 50, epochs: 4 }), status: 'running', startedAt: '2025-01-07T00:00:00.000Z' });
  writeFileSync(join(logdir, LIVE_RUN, '.lock'), String(process.pid));
  return names;
}
