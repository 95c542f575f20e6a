import { getArchitecture, type InputShape } from '@cnnlab/core';
import { DEFAULT_OPTIMIZER, type OptimizerConfig, type OptimizerName } from './optim/optimizers.js';
import type { ClipGrad } from './optim/clip.js';
import { DEFAULT_SCHEDULE, type ScheduleConfig, type ScheduleName } from './optim/schedule.js';
import { canonicalAugment } from './data/augment/index.js';

export type DatasetName = 'fashion-mnist' | 'mnist' | 'idx' | 'cifar10' | 'folder';

export interface TrainConfig {
  arch: string;
  archOptions: Record<string, unknown>;
  /** Model input (channels, height, width); images are resized to it. Default: the architecture's. */
  input: InputShape;
  dataset: {
    name: DatasetName; dir?: string; /** Use a stratified subset of this many images (quick runs, tests). */ limit?: number;
    /** Convert RGB images to one gray channel (for 1-channel models such as LeNet on CIFAR-10). */ grayscale?: boolean;
    /** 'folder': side the images are decoded to (shorter side, then centre crop); default the model input's larger side. */ resize?: number;
    /** 'folder': leave unreadable or non-image files out and report them ('skip', default), or stop ('fail'). */ onBadImage?: 'skip' | 'fail';
    /** Test on the data set's own test set (t10k, test_batch, a folder's test/); validation drawn from its training set (`--split official`). */ officialSplit?: boolean;
  };
  split: { train: number; val: number; test: number };
  epochs: number;
  batchSize: number;
  /** Images per forward/backward pass; the batch's gradients are accumulated. 0 = choose automatically. */
  microBatch: number;
  lr: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  seed: number;
  /** Label smoothing ε in [0, 1) (0: off). */
  labelSmoothing: number;
  /** Log weight and gradient histograms of every layer every this many epochs (0: never; TensorBoard's Histograms and Distributions tabs). Absent in older runs: 0. */
  histograms?: number;
  /** Gradient clipping before each optimizer step. */
  clipGrad: ClipGrad;
  /** Training-image augmentation, a canonical spec such as "crop:4,flip:0.5" ("off": none; see data/augment). Absent in older runs: off. */
  augment: string;
  /** EMA decay of the weights that are validated, tested and kept as the best (0: off; timm's ModelEmaV2). */
  ema: number;
  earlyStopping: { enabled: boolean; patience: number; minDelta: number; restoreBest: boolean };
  checkpoint: { every: number; keep: number };
  evalBatchSize: number;
  /** Log the running training loss every this many batches (0 = only per epoch). */
  logEveryBatches: number;
}

/** What a user may leave out or override: any field, optimizer/schedule fields one by one. */
export type TrainOptions = Partial<Omit<TrainConfig, 'clipGrad' | 'optimizer' | 'schedule' | 'earlyStopping' | 'checkpoint' | 'dataset' | 'split'>> & {
  arch: string;
  clipGrad?: ClipGrad;
  optimizer?: Partial<OptimizerConfig> | OptimizerName;
  schedule?: Partial<ScheduleConfig> | ScheduleName;
  earlyStopping?: Partial<TrainConfig['earlyStopping']>;
  checkpoint?: Partial<TrainConfig['checkpoint']>;
  dataset?: Partial<TrainConfig['dataset']>;
  split?: Partial<TrainConfig['split']>;
};

export const DEFAULT_SPLIT = { train: 0.7, val: 0.2, test: 0.1 };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function positive(name: string, value: number, integer = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

function nonNegative(name: string, value: number, integer = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

function fraction(name: string, value: number, { open = false } = {}): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1) || (open && value === 1)) {
    throw new ConfigError(`${name} must be in [0, 1${open ? ')' : ']'}, got ${value}`);
  }
}

export function validateSplit(split: TrainConfig['split']): void {
  for (const [k, v] of Object.entries(split)) fraction(`split.${k}`, v);
  const sum = split.train + split.val + split.test;
  if (Math.abs(sum - 1) > 1e-9) {
    throw new ConfigError(`split fractions must sum to 1 (got ${split.train} + ${split.val} + ${split.test} = ${+sum.toFixed(12)})`);
  }
  if (split.train === 0) throw new ConfigError('split.train must be greater than 0');
  if (split.val === 0) throw new ConfigError('split.val must be greater than 0: epochs are chosen on the validation split');
}

/** Fills defaults (from the architecture's d2l settings) and checks every value, before anything is trained. */
export function resolveTrainConfig(o: TrainOptions): TrainConfig {
  const spec = getArchitecture(o.arch);
  const training = spec.defaults.training;
  const optimizer: OptimizerConfig = typeof o.optimizer === 'string'
    ? { ...DEFAULT_OPTIMIZER, name: o.optimizer }
    : { ...DEFAULT_OPTIMIZER, ...(training?.optimizer ? { name: training.optimizer } : {}), ...o.optimizer };
  const schedule: ScheduleConfig = typeof o.schedule === 'string' ? { ...DEFAULT_SCHEDULE, name: o.schedule } : { ...DEFAULT_SCHEDULE, ...o.schedule };
  const config: TrainConfig = {
    arch: spec.name,
    archOptions: o.archOptions ?? {},
    input: o.input ?? spec.defaults.input,
    dataset: { name: 'fashion-mnist', ...o.dataset },
    split: { ...DEFAULT_SPLIT, ...o.split },
    epochs: o.epochs ?? training?.epochs ?? 10,
    batchSize: o.batchSize ?? training?.batchSize ?? 256,
    microBatch: o.microBatch ?? 0,
    lr: o.lr ?? training?.lr ?? 0.1,
    optimizer,
    schedule,
    seed: o.seed ?? 0,
    labelSmoothing: o.labelSmoothing ?? 0,
    histograms: o.histograms ?? 0,
    clipGrad: o.clipGrad ?? { mode: 'off' },
    augment: augmentSpec(o.augment ?? 'off'),
    ema: o.ema ?? 0,
    earlyStopping: { enabled: false, patience: 3, minDelta: 0, restoreBest: true, ...o.earlyStopping },
    checkpoint: { every: 5, keep: 3, ...o.checkpoint },
    evalBatchSize: o.evalBatchSize ?? 256,
    logEveryBatches: o.logEveryBatches ?? 50,
  };
  validateTrainConfig(config);
  return config;
}

function augmentSpec(spec: string): string {
  try {
    return canonicalAugment(spec);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function validateTrainConfig(c: TrainConfig): void {
  if (c.augment !== undefined) augmentSpec(c.augment);
  positive('epochs', c.epochs, true);
  positive('batchSize', c.batchSize, true);
  nonNegative('microBatch', c.microBatch, true);
  if (c.microBatch > c.batchSize) throw new ConfigError(`microBatch (${c.microBatch}) cannot exceed batchSize (${c.batchSize})`);
  positive('lr', c.lr);
  nonNegative('seed', c.seed, true);
  fraction('labelSmoothing', c.labelSmoothing, { open: true });
  nonNegative('histograms', c.histograms ?? 0, true);
  if (!['off', 'norm', 'value'].includes(c.clipGrad.mode)) throw new ConfigError(`clipGrad.mode must be off, norm or value, got ${String(c.clipGrad.mode)}`);
  if (c.clipGrad.mode !== 'off') positive('clipGrad.max', c.clipGrad.max);
  fraction('ema', c.ema ?? 0, { open: true });
  if (!['sgd', 'adam', 'adamw'].includes(c.optimizer.name)) throw new ConfigError(`optimizer must be sgd, adam or adamw, got ${c.optimizer.name}`);
  fraction('optimizer.momentum', c.optimizer.momentum, { open: true });
  nonNegative('optimizer.weightDecay', c.optimizer.weightDecay);
  fraction('optimizer.beta1', c.optimizer.beta1, { open: true });
  fraction('optimizer.beta2', c.optimizer.beta2, { open: true });
  positive('optimizer.epsilon', c.optimizer.epsilon);
  if (c.optimizer.nesterov && c.optimizer.momentum === 0) throw new ConfigError('optimizer.nesterov needs a momentum > 0');
  if (!['constant', 'step', 'cosine', 'plateau'].includes(c.schedule.name)) throw new ConfigError(`schedule must be constant, step, cosine or plateau, got ${c.schedule.name}`);
  positive('schedule.stepSize', c.schedule.stepSize, true);
  fraction('schedule.gamma', c.schedule.gamma, { open: true });
  nonNegative('schedule.minLr', c.schedule.minLr);
  nonNegative('schedule.warmupEpochs', c.schedule.warmupEpochs, true);
  fraction('schedule.warmupStart', c.schedule.warmupStart);
  nonNegative('schedule.patience', c.schedule.patience, true);
  nonNegative('earlyStopping.patience', c.earlyStopping.patience, true);
  nonNegative('earlyStopping.minDelta', c.earlyStopping.minDelta);
  positive('checkpoint.every', c.checkpoint.every, true);
  nonNegative('checkpoint.keep', c.checkpoint.keep, true);
  positive('evalBatchSize', c.evalBatchSize, true);
  nonNegative('logEveryBatches', c.logEveryBatches, true);
  if (!['fashion-mnist', 'mnist', 'idx', 'cifar10', 'folder'].includes(c.dataset.name)) {
    throw new ConfigError(`dataset must be fashion-mnist, mnist, idx, cifar10 or folder, got ${c.dataset.name}`);
  }
  if (c.dataset.resize !== undefined) positive('dataset.resize', c.dataset.resize, true);
  if (c.dataset.onBadImage !== undefined && !['skip', 'fail'].includes(c.dataset.onBadImage)) throw new ConfigError(`dataset.onBadImage must be skip or fail, got ${String(c.dataset.onBadImage)}`);
  if (c.dataset.name === 'folder' && c.input[0] !== 1 && c.input[0] !== 3) throw new ConfigError(`dataset folder decodes to 1 (gray) or 3 (RGB) channels; the model input has ${c.input[0]}`);
  if ((c.dataset.name === 'idx' || c.dataset.name === 'cifar10' || c.dataset.name === 'folder') && !c.dataset.dir) throw new ConfigError(`dataset ${c.dataset.name} needs a directory (--data-dir)`);
  if (c.dataset.officialSplit !== undefined && typeof c.dataset.officialSplit !== 'boolean') throw new ConfigError(`dataset.officialSplit must be true or false, got ${String(c.dataset.officialSplit)}`);
  if (c.dataset.limit !== undefined) positive('dataset.limit', c.dataset.limit, true);
  if (c.dataset.grayscale !== undefined && typeof c.dataset.grayscale !== 'boolean') throw new ConfigError(`dataset.grayscale must be true or false, got ${String(c.dataset.grayscale)}`);
  validateSplit(c.split);
  if (c.input.length !== 3 || c.input.some((d) => !Number.isInteger(d) || d <= 0)) throw new ConfigError(`input must be channels,height,width positive integers, got ${c.input.join(',')}`);
}
