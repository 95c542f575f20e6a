import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SummaryWriter } from '@cnnlab/tfevents';
import { hparamsOf, resolveTrainConfig, TAGS, type EpochMetrics, type RunReport, type TrainOptions } from '@cnnlab/trainer';
import '@cnnlab/arch-lenet';
import '@cnnlab/arch-alexnet';
import '@cnnlab/arch-densenet';
import '@cnnlab/arch-googlenet';
import '@cnnlab/arch-nin';
import '@cnnlab/arch-regnet';
import '@cnnlab/arch-resnet';
import '@cnnlab/arch-vgg';

export interface StudyRun {
  name: string;
  options: TrainOptions;
  params: number;
  macs: number;
  imagesPerSecond: number;
  bestValAcc: number;
  test?: number;
  /** The epochs its first session's hparams declared (a sweep trial promoted later trained more). */
  firstSessionEpochs?: number;
}

/**
 * A cnnlab run as the trainer leaves it (config.json, report.json, events with hparams), with the given cost
 * and accuracy: validation accuracy climbs to `bestValAcc` at the last epoch.
 */
export function writeStudyRun(logdir: string, run: StudyRun): void {
  const dir = join(logdir, run.name);
  mkdirSync(dir, { recursive: true });
  const config = resolveTrainConfig(run.options);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const epochs = config.epochs;
  const history: EpochMetrics[] = Array.from({ length: epochs }, (_, i) => {
    const f = (i + 1) / epochs;
    return {
      epoch: i + 1, trainLoss: 1.5 - f * (0.3 + run.bestValAcc), valLoss: 1.6 - f * (0.4 + run.bestValAcc), trainAcc: run.bestValAcc * f + 0.02, valAcc: run.bestValAcc - (1 - f) * 0.2,
      lr: config.lr, seconds: 10, imagesPerSecond: run.imagesPerSecond,
    };
  });
  const last = history.at(-1)!;
  const report: RunReport = {
    name: run.name.split('/').pop()!, arch: config.arch, status: 'finished',
    startedAt: '2025-03-01T10:00:00.000Z', updatedAt: '2025-03-01T11:00:00.000Z',
    engine: { backend: 'wasm', threads: 2, simd: true },
    dataset: { name: 'fashion-mnist', images: 1000, train: 700, val: 200, test: 100 },
    params: { trainable: run.params, total: run.params, macs: run.macs },
    epochsPlanned: epochs, history, bestEpoch: last.epoch, bestValLoss: last.valLoss, bestValAcc: last.valAcc, diagnosis: null, resumes: run.firstSessionEpochs ? 1 : 0,
    ...(run.test !== undefined ? { test: { loss: 0.5, accuracy: run.test, evaluatedAt: '2025-03-01T11:01:00.000Z', epoch: last.epoch, confusion: [], classes: [] } } : {}),
  };
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  const writer = new SummaryWriter(dir, { flushIntervalMs: 0 });
  writer.hparams(hparamsOf({ ...config, epochs: run.firstSessionEpochs ?? epochs }), { groupName: config.arch, metrics: [{ tag: TAGS.valLoss }, { tag: TAGS.valAcc }] });
  for (const m of history) writer.scalars({ [TAGS.trainLoss]: m.trainLoss, [TAGS.valLoss]: m.valLoss, [TAGS.trainAcc]: m.trainAcc, [TAGS.valAcc]: m.valAcc }, m.epoch, { wallTime: 1_740_823_200 + m.epoch * 10 });
  writer.sessionEnd('success', 1_740_823_200 + epochs * 10 + 5);
  writer.close();
}

/**
 * Nineteen runs as a study leaves them: eleven architectures trained once, and an eight-trial learning-rate ×
 * batch-size sweep of LeNet whose best trial was promoted from 1 to 4 epochs.
 */
export function studyRuns(): StudyRun[] {
  const archs: StudyRun[] = [
    { name: 'lenet', options: { arch: 'lenet', epochs: 10 }, params: 61_706, macs: 416_520, imagesPerSecond: 9_400, bestValAcc: 0.842, test: 0.835 },
    { name: 'bn-lenet', options: { arch: 'bn-lenet', epochs: 10 }, params: 62_158, macs: 419_004, imagesPerSecond: 7_900, bestValAcc: 0.871, test: 0.866 },
    { name: 'alexnet', options: { arch: 'alexnet-d2l', epochs: 10, lr: 0.01 }, params: 46_787_978, macs: 939_762_688, imagesPerSecond: 310, bestValAcc: 0.884 },
    { name: 'vgg11', options: { arch: 'vgg11-d2l', epochs: 10, lr: 0.05 }, params: 128_806_154, macs: 7_609_349_120, imagesPerSecond: 42, bestValAcc: 0.902 },
    { name: 'nin', options: { arch: 'nin', epochs: 10, lr: 0.1 }, params: 1_992_166, macs: 767_340_032, imagesPerSecond: 520, bestValAcc: 0.861 },
    { name: 'googlenet', options: { arch: 'googlenet-d2l', epochs: 10, lr: 0.1 }, params: 5_977_530, macs: 275_318_784, imagesPerSecond: 610, bestValAcc: 0.896, test: 0.89 },
    { name: 'resnet18', options: { arch: 'resnet18-d2l', epochs: 10, lr: 0.05 }, params: 11_178_378, macs: 589_463_552, imagesPerSecond: 450, bestValAcc: 0.914, test: 0.907 },
    { name: 'resnext', options: { arch: 'resnext-d2l', epochs: 10, lr: 0.05 }, params: 4_620_426, macs: 402_653_184, imagesPerSecond: 480, bestValAcc: 0.909 },
    { name: 'densenet', options: { arch: 'densenet-d2l', epochs: 10, lr: 0.1 }, params: 758_226, macs: 209_510_400, imagesPerSecond: 700, bestValAcc: 0.906, test: 0.9 },
    { name: 'regnetx32', options: { arch: 'regnetx32-d2l', epochs: 10, lr: 0.05 }, params: 2_684_682, macs: 310_263_808, imagesPerSecond: 650, bestValAcc: 0.893 },
    { name: 'lenet-adam', options: { arch: 'lenet', epochs: 10, lr: 0.001, optimizer: 'adam' }, params: 61_706, macs: 416_520, imagesPerSecond: 9_100, bestValAcc: 0.858 },
  ];
  const trials: StudyRun[] = [];
  let i = 0;
  for (const lr of [0.01, 0.03, 0.1, 0.3]) {
    for (const batchSize of [64, 256]) {
      const best = lr === 0.1 && batchSize === 64;
      trials.push({
        name: `sweeps/lenet-lr/trial-${String(i++).padStart(3, '0')}`,
        options: { arch: 'lenet', epochs: best ? 4 : 1, lr, batchSize },
        params: 61_706, macs: 416_520, imagesPerSecond: batchSize === 64 ? 8_000 : 10_500,
        bestValAcc: best ? 0.81 : 0.55 + 0.6 * lr * (batchSize === 64 ? 1 : 0.8) - (lr > 0.2 ? 0.2 : 0),
        firstSessionEpochs: best ? 1 : undefined,
      });
    }
  }
  return [...archs, ...trials];
}
