import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SummaryWriter } from '@cnnlab/tfevents';
import { diagnoseFit } from '@cnnlab/analysis';
import { fitOptionsOf, hparamsOf, resolveTrainConfig, TAGS, type EpochMetrics, type RunReport, type RunStatus, type TrainOptions } from '@cnnlab/trainer';
import '@cnnlab/arch-lenet';

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'dashboard-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Ten epochs that fit well until epoch 4, then overfit: validation loss rises while training loss keeps falling. */
export const OVERFIT_HISTORY: EpochMetrics[] = [1.2, 0.8, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2].map((trainLoss, i) => {
  const epoch = i + 1;
  const valLoss = [1.1, 0.8, 0.65, 0.6, 0.63, 0.68, 0.72, 0.78, 0.85, 0.9][i]!;
  return {
    epoch, trainLoss, valLoss,
    trainAcc: 0.5 + 0.045 * i, valAcc: [0.55, 0.65, 0.72, 0.75, 0.74, 0.74, 0.73, 0.72, 0.72, 0.71][i]!,
    lr: 0.1, seconds: 2, imagesPerSecond: 1000 + i,
  };
});

/**
 * A cnnlab run as the trainer leaves it: config.json, report.json (with the trainer's diagnosis) and TensorBoard events
 * with cnnlab's tags and hparams. `config` overrides training settings (early stopping, seed…); `skipEpochs` leaves
 * epochs out of the event files only (as records lost to damage).
 */
export function writeCnnlabRun(
  logdir: string, name: string,
  o: { history?: EpochMetrics[]; status?: RunStatus; startedAt?: string; test?: number; config?: Partial<TrainOptions>; skipEpochs?: number[] } = {},
): string {
  const dir = join(logdir, name);
  mkdirSync(dir, { recursive: true });
  const history = o.history ?? OVERFIT_HISTORY;
  const config = resolveTrainConfig({ arch: 'lenet', epochs: history.length, lr: 0.1, ...o.config } as TrainOptions);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const best = history.reduce((b, e) => (e.valLoss < b.valLoss ? e : b), history[0]!);
  const report: RunReport = {
    name: name.split('/').pop()!, arch: 'lenet', status: o.status ?? 'finished',
    startedAt: o.startedAt ?? '2025-01-02T03:04:05.000Z', updatedAt: '2025-01-02T03:10:00.000Z',
    engine: { backend: 'wasm', threads: 1, simd: true },
    dataset: { name: 'fashion-mnist', images: 1000, train: 700, val: 200, test: 100 },
    params: { trainable: 61706, total: 61706, macs: 416520 },
    epochsPlanned: history.length, history,
    bestEpoch: best.epoch, bestValLoss: best.valLoss, bestValAcc: best.valAcc, diagnosis: diagnoseFit(history, fitOptionsOf(config)), resumes: 0,
    ...(o.test !== undefined ? { test: { loss: 0.5, accuracy: o.test, evaluatedAt: '2025-01-02T03:11:00.000Z', epoch: best.epoch, confusion: [], classes: [] } } : {}),
  };
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  const writer = new SummaryWriter(dir, { flushIntervalMs: 0 });
  const hparams = hparamsOf(config);
  writer.hparams(hparams, { groupName: 'lenet', metrics: [{ tag: TAGS.valLoss }, { tag: TAGS.valAcc }] });
  const t0 = Date.parse(report.startedAt) / 1000;
  for (const m of history) {
    if (o.skipEpochs?.includes(m.epoch)) continue;
    writer.scalars({
      [TAGS.trainLoss]: m.trainLoss, [TAGS.trainAcc]: m.trainAcc, [TAGS.valLoss]: m.valLoss, [TAGS.valAcc]: m.valAcc,
      [TAGS.lr]: m.lr, [TAGS.seconds]: m.seconds, [TAGS.imagesPerSecond]: m.imagesPerSecond,
    }, m.epoch, { wallTime: t0 + m.epoch * 2 });
  }
  writer.sessionEnd('success', t0 + 30);
  writer.close();
  return dir;
}

/** A run of another tool, with PyTorch's SummaryWriter tags (simple_value scalars) and no hparams. */
export function writeForeignRun(logdir: string, name: string, epochs = 6): { dir: string; writer: SummaryWriter } {
  const dir = join(logdir, name);
  const writer = new SummaryWriter(dir, { flushIntervalMs: 0 });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const wallTime = 1_700_000_000 + epoch * 10;
    writer.scalar('Loss/train', 2 / epoch, epoch, { legacy: true, wallTime });
    writer.scalar('Loss/val', 2.2 / epoch + (epoch > 4 ? 0.2 * (epoch - 4) : 0), epoch, { legacy: true, wallTime });
    writer.scalar('Accuracy/train', 0.5 + epoch * 0.05, epoch, { legacy: true, wallTime });
    writer.scalar('Accuracy/val', 0.45 + epoch * 0.04, epoch, { legacy: true, wallTime });
  }
  writer.flush();
  return { dir, writer };
}
