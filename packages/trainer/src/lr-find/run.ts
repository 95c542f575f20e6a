import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { getArchitecture, initEngine, type BackendChoice } from '@cnnlab/core';
import { resolveTrainConfig, type TrainOptions } from '../config.js';
import { BatchSource, checkChannels, computeNormalization, makeSplit, type Dataset } from '../data/index.js';
import { buildModel, chooseMicroBatch, prepareDataset } from '../loop.js';
import { defaultRunName } from '../run-dir.js';
import { DEFAULT_LR_RANGE, exponentialRates, LrFindError, validateLrRange, type LrRange } from './ramp.js';
import { rangeTest } from './range-test.js';
import { writeLrFind, type LrFindRecord } from './record.js';
import { suggestRates, type LrPoint } from './suggest.js';

export interface LrFindOptions extends Omit<TrainOptions, 'lr' | 'epochs' | 'ema' | 'schedule' | 'earlyStopping' | 'checkpoint'> {
  range?: Partial<LrRange>;
  /** Parent of the output directory (default "runs"). */
  logdir?: string;
  /** Output directory name (default "lr-find-<arch>-<timestamp>"). */
  name?: string;
  backend?: BackendChoice;
  cacheDir?: string;
  /** Use these images instead of loading `dataset` (tests, synthetic problems). */
  data?: Dataset;
}

export interface LrFindHooks {
  onStep?(point: LrPoint, steps: number): void;
  log?(message: string): void;
}

/**
 * The learning-rate range test (Smith 2017, fastai's lr_find): a fresh model, trained on the seeded training
 * split with the learning rate rising exponentially from `range.min` to `range.max`, one batch a step, until
 * the smoothed loss passes 4x its best; suggests the rate of steepest descent. Writes the curve's events
 * and `lr-find.json` to their own directory (not a run: there are no checkpoints or report).
 */
export async function lrFind(options: LrFindOptions, hooks: LrFindHooks = {}): Promise<{ dir: string; record: LrFindRecord; file: string }> {
  const range: LrRange = { ...DEFAULT_LR_RANGE, ...options.range };
  validateLrRange(range, { min: '--min', max: '--max', steps: '--steps' });
  const { range: _r, logdir, name, backend, cacheDir, data, ...train } = options;
  const config = resolveTrainConfig(train);
  const dir = resolve(logdir ?? 'runs', name ?? defaultRunName(`lr-find-${config.arch}`));
  if (existsSync(dir)) throw new LrFindError(`${dir} already exists; choose another --name`);
  const engine = await initEngine({ backend });
  const dataset = data ?? (await prepareDataset(config, cacheDir, { log: hooks.log }));
  checkChannels(dataset.channels, config.input[0], `${config.arch} on ${dataset.name}`);
  const split = makeSplit(dataset.labels, config.split, config.seed);
  const normalization = computeNormalization(dataset, split.train);
  const source = new BatchSource(dataset, split.train, { inputShape: config.input, normalization, batchSize: config.batchSize });
  const model = buildModel(config, dataset);
  let result: ReturnType<typeof rangeTest>;
  try {
    result = rangeTest({
      model, source, batchSize: config.batchSize, microBatch: chooseMicroBatch(model, config.batchSize, config.microBatch, engine),
      classes: dataset.classes.length, seed: config.seed, optimizer: config.optimizer, labelSmoothing: config.labelSmoothing, clipGrad: config.clipGrad,
      rates: exponentialRates(range), onStep: (p) => hooks.onStep?.(p, range.steps),
    });
  } finally {
    model.dispose();
  }
  const record: LrFindRecord = {
    kind: 'lr-find',
    arch: config.arch,
    dataset: dataset.name,
    batchSize: config.batchSize,
    optimizer: config.optimizer.name,
    defaultLr: getArchitecture(config.arch).defaults.training?.lr ?? config.lr,
    range,
    stoppedBy: result.stoppedBy,
    suggestedLr: NaN,
    suggestions: suggestRates(result.points, range.steps),
    points: result.points,
    createdAt: new Date().toISOString(),
  };
  record.suggestedLr = record.suggestions.steepest.lr;
  mkdirSync(dir, { recursive: true });
  const file = writeLrFind(dir, record);
  return { dir, record, file };
}
