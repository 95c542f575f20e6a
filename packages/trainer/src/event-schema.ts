import type { HParamValue, LayoutCategory } from '@cnnlab/tfevents';
import type { TrainConfig } from './config.js';

/*
 * What a run's event files hold: the tags, the hyper-parameters and the custom-scalars layout. Data only, so that
 * readers of runs (the dashboard's server, `@cnnlab/trainer/records`) need not load the training code.
 */

/** Tags written per epoch (step = epoch number) and per batch (step = global batch step). */
export const TAGS = {
  trainLoss: 'train/loss',
  trainAcc: 'train/accuracy',
  valLoss: 'val/loss',
  valAcc: 'val/accuracy',
  lr: 'train/learning_rate',
  seconds: 'perf/epoch_seconds',
  imagesPerSecond: 'perf/images_per_second',
  batchLoss: 'batch/train_loss',
  augmentSamples: 'augment/samples',
  testLoss: 'test/loss',
  testAcc: 'test/accuracy',
} as const;

/** The hyper-parameters shown in TensorBoard's HParams plugin (and the dashboard's hparams view). */
export function hparamsOf(c: TrainConfig): Record<string, HParamValue> {
  const h: Record<string, HParamValue> = {
    arch: c.arch,
    arch_options: archOptionsText(c.archOptions),
    input: c.input.join('x'),
    epochs: c.epochs,
    batch_size: c.batchSize,
    lr: c.lr,
    optimizer: c.optimizer.name,
    momentum: c.optimizer.momentum,
    weight_decay: c.optimizer.weightDecay,
    schedule: c.schedule.name,
    seed: c.seed,
    dataset: c.dataset.name,
    label_smoothing: c.labelSmoothing,
    clip_grad: c.clipGrad.mode === 'off' ? 'off' : `${c.clipGrad.mode}:${c.clipGrad.max}`,
    augment: c.augment ?? 'off',
    ema: c.ema ?? 0,
  };
  for (const [k, v] of Object.entries(c.archOptions)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') h[`arch.${k}`] = v;
  }
  return h;
}

/** The architecture options as one sorted `key=value` list, so that the experiment's columns are the same for every architecture. */
function archOptionsText(options: Record<string, unknown>): string {
  return Object.keys(options).sort().map((k) => `${k}=${JSON.stringify(options[k])}`).join(' ');
}

/** The tags of the values a run is judged by: each epoch logs the best epoch so far and its validation metrics. */
export const BEST_TAGS = {
  valLoss: 'best/val_loss',
  valAcc: 'best/val_accuracy',
  epoch: 'best/epoch',
} as const;

/**
 * Custom-scalars charts that overlay training, validation and test curves of the same quantity. TensorBoard
 * merges the layouts of all runs; categories of the same title are merged chart by chart.
 */
export const LAYOUT: readonly LayoutCategory[] = [{
  title: 'train vs validation',
  charts: [
    { title: 'loss', tags: ['^(train|val|test)/loss$'] },
    { title: 'accuracy', tags: ['^(train|val|test)/accuracy$'] },
    { title: 'best so far', tags: ['^best/val_(loss|accuracy)$'] },
  ],
}];
