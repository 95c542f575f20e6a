import { Command, Option } from 'commander';
import { canonicalAugment, consoleReporter, evaluateRun, parseClipGrad, resumeRun, train, type ClipGrad, type TrainOptions, type TrainResult } from '@cnnlab/trainer';
import { int, keyValue, num, shape, split } from '../parse.js';

export interface TrainCliOptions {
  arch: string; epochs?: number; batchSize?: number; microBatch?: number; lr?: number; optimizer?: string; momentum?: number; nesterov?: boolean;
  weightDecay?: number; schedule?: string; stepSize?: number; gamma?: number; minLr?: number; warmup?: number; seed?: number; split?: TrainOptions['split'] | 'official';
  dataset?: string; dataDir?: string; limit?: number; grayscale?: boolean; input?: [number, number, number]; resize?: number; onBadImage?: 'skip' | 'fail'; option?: Record<string, unknown>;
  earlyStopping?: number | boolean; minDelta?: number; restoreBest?: boolean; checkpointEvery?: number; keepCheckpoints?: number; evalBatchSize?: number;
  logEvery?: number; labelSmoothing?: number; clipGrad?: ClipGrad; augment?: string; ema?: number; histograms?: number; hparamsGroup?: string; logdir: string; name?: string; resume?: string; test?: boolean;
}

export function trainOptionsFrom(o: TrainCliOptions): TrainOptions {
  const optimizer = { ...(o.optimizer ? { name: o.optimizer as 'sgd' } : {}), ...(o.momentum !== undefined ? { momentum: o.momentum } : {}), ...(o.nesterov ? { nesterov: true } : {}), ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}) };
  const schedule = { ...(o.schedule ? { name: o.schedule as 'constant' } : {}), ...(o.stepSize ? { stepSize: o.stepSize } : {}), ...(o.gamma !== undefined ? { gamma: o.gamma } : {}), ...(o.minLr !== undefined ? { minLr: o.minLr } : {}), ...(o.warmup !== undefined ? { warmupEpochs: o.warmup } : {}) };
  const early = o.earlyStopping === undefined || o.earlyStopping === false ? {} : { enabled: true, ...(typeof o.earlyStopping === 'number' ? { patience: o.earlyStopping } : {}) };
  return {
    arch: o.arch,
    ...(o.epochs !== undefined && { epochs: o.epochs }),
    ...(o.batchSize !== undefined && { batchSize: o.batchSize }),
    ...(o.microBatch !== undefined && { microBatch: o.microBatch }),
    ...(o.lr !== undefined && { lr: o.lr }),
    ...(o.seed !== undefined && { seed: o.seed }),
    ...(o.input && { input: o.input }),
    ...(o.option && { archOptions: o.option }),
    ...(o.evalBatchSize !== undefined && { evalBatchSize: o.evalBatchSize }),
    ...(o.logEvery !== undefined && { logEveryBatches: o.logEvery }),
    ...(o.labelSmoothing !== undefined && { labelSmoothing: o.labelSmoothing }),
    ...(o.histograms !== undefined && { histograms: o.histograms }),
    ...(o.clipGrad && { clipGrad: o.clipGrad }),
    ...(o.augment && { augment: o.augment }),
    ...(o.ema !== undefined && { ema: o.ema }),
    optimizer,
    schedule,
    earlyStopping: { ...early, ...(o.minDelta !== undefined && { minDelta: o.minDelta }), ...(o.restoreBest === false && { restoreBest: false }) },
    checkpoint: { ...(o.checkpointEvery !== undefined && { every: o.checkpointEvery }), ...(o.keepCheckpoints !== undefined && { keep: o.keepCheckpoints }) },
    dataset: {
      ...(o.dataset && { name: o.dataset as 'fashion-mnist' }), ...(o.dataDir && { dir: o.dataDir }), ...(o.limit !== undefined && { limit: o.limit }), ...(o.grayscale && { grayscale: true }),
      ...(o.resize !== undefined && { resize: o.resize }), ...(o.onBadImage && { onBadImage: o.onBadImage }), ...(o.split === 'official' && { officialSplit: true }),
    },
    ...(o.split && o.split !== 'official' && { split: o.split }),
  };
}

/**
 * While training: Ctrl-C once saves a checkpoint after the current batch and
 * exits cleanly; twice exits at once. `release()` restores the default
 * handling (e.g. before the dashboard is served).
 */
export function interruptSignal(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onInt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nInterrupted: saving a checkpoint after this batch (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  const onTerm = () => controller.abort();
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

export function printOutcome({ runDir, report }: TrainResult): void {
  console.log(`\nRun ${report.status}: ${runDir}`);
  if (report.message) console.log(report.message);
  if (report.bestEpoch !== null) console.log(`Best epoch ${report.bestEpoch}: validation loss ${report.bestValLoss?.toFixed(4)}, accuracy ${report.bestValAcc?.toFixed(4)}`);
  if (report.diagnosis) console.log(`Fit: ${report.diagnosis.verdict}`);
  console.log(`TensorBoard: tensorboard --logdir ${runDir}`);
}

export async function runTrain(o: TrainCliOptions): Promise<TrainResult> {
  const interrupt = interruptSignal();
  const hooks = { ...consoleReporter(), signal: interrupt.signal };
  let result: TrainResult;
  try {
    // The engine (backend, device, threads) comes from cnnlab's global options.
    result = o.resume
      ? await resumeRun(o.resume, { ...(o.epochs !== undefined && { epochs: o.epochs }) }, hooks)
      : await train({ ...trainOptionsFrom(o), logdir: o.logdir, name: o.name, ...(o.hparamsGroup ? { group: o.hparamsGroup } : {}) }, hooks);
  } finally {
    interrupt.release();
  }
  printOutcome(result);
  if (o.test && (result.report.status === 'finished' || result.report.status === 'stopped-early')) {
    const test = await evaluateRun(result.runDir);
    console.log(`Test (evaluated once, best weights of epoch ${test.epoch}): loss ${test.loss.toFixed(4)}, accuracy ${test.accuracy.toFixed(4)} on ${test.count} images`);
  }
  return result;
}

export function trainCommand(): Command {
  return new Command('train')
    .description('Train an architecture (d2l defaults for lr, batch size and epochs) with checkpoints, TensorBoard events and exact resume')
    .option('-a, --arch <name>', 'registered architecture (see cnnlab list)', 'bn-lenet')
    .option('-e, --epochs <n>', 'epochs (with --resume: extend the run to n epochs)', int('--epochs'))
    .option('-b, --batch-size <n>', 'images per optimizer step', int('--batch-size'))
    .option('--micro-batch <n>', 'images per forward/backward pass (gradient accumulation); default: automatic', int('--micro-batch'))
    .option('--lr <x>', 'learning rate', num('--lr', { min: 0, exclusiveMin: true }))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam', 'adamw']))
    .option('--momentum <x>', 'SGD momentum', num('--momentum', { min: 0 }))
    .option('--nesterov', 'Nesterov momentum')
    .option('--weight-decay <x>', 'weight decay (L2 for sgd/adam, decoupled for adamw)', num('--weight-decay', { min: 0 }))
    .addOption(new Option('--schedule <name>', 'learning-rate schedule').choices(['constant', 'step', 'cosine', 'plateau']))
    .option('--step-size <n>', 'epochs between reductions (step schedule)', int('--step-size'))
    .option('--gamma <x>', 'reduction factor (step, plateau)', num('--gamma', { min: 0, exclusiveMin: true }))
    .option('--min-lr <x>', 'final learning rate (cosine)', num('--min-lr', { min: 0 }))
    .option('--warmup <n>', 'epochs of linear warm-up', int('--warmup', { min: 0 }))
    .option('--seed <n>', 'seed for initialisation, split, shuffling and dropout', int('--seed', { min: 0 }))
    .option('--split <fractions|official>', 'train/val/test fractions, e.g. 70/20/10 (default) or 70/10/20; or official: the data set\'s own test set (t10k IDX files, CIFAR-10 test_batch, a folder\'s test/), validation drawn from its training set', (v: string) => (v === 'official' ? v : split(v)))
    .addOption(new Option('--dataset <name>', 'data set').choices(['fashion-mnist', 'mnist', 'idx', 'cifar10', 'folder']))
    .option('--data-dir <dir>', 'folder with IDX or CIFAR-10 binary files, or (--dataset folder) images in one sub-folder per class, optionally under train/ val/ test/')
    .option('--resize <n>', '--dataset folder: decode images to n×n (shorter side, then centre crop); default the model input\'s side', int('--resize'))
    .addOption(new Option('--on-bad-image <policy>', '--dataset folder: skip unreadable and non-image files (reported by path) or fail').choices(['skip', 'fail']))
    .option('--limit <n>', 'use a stratified subset of n images (quick runs)', int('--limit'))
    .option('--grayscale', 'convert RGB images (cifar10) to one gray channel, for 1-channel models such as lenet')
    .option('--input <c,h,w>', 'model input (images are resized), e.g. 1,96,96', shape)
    .option('--option <key=value>', 'architecture option (repeatable), e.g. --option norm=layer', keyValue)
    .option('--early-stopping [patience]', 'stop when the validation loss has not improved for patience epochs (default 3)', int('--early-stopping', { min: 1 }))
    .option('--min-delta <x>', 'smallest validation-loss decrease that counts as improvement', num('--min-delta', { min: 0 }))
    .option('--no-restore-best', 'do not export the best epoch\'s weights as the run\'s model')
    .option('--checkpoint-every <n>', 'keep a checkpoint every n epochs (default 5)', int('--checkpoint-every'))
    .option('--keep-checkpoints <n>', 'periodic checkpoints to keep (default 3)', int('--keep-checkpoints', { min: 0 }))
    .option('--eval-batch-size <n>', 'batch size for validation', int('--eval-batch-size'))
    .option('--log-every <n>', 'log the batch loss every n batches (0: off)', int('--log-every', { min: 0 }))
    .option('--histograms <n>', 'log weight and gradient histograms of every layer every n epochs (TensorBoard Histograms/Distributions; 0: off)', int('--histograms', { min: 0 }))
    .option('--hparams-group <name>', 'TensorBoard HParams session group: runs of one group share a row, metrics averaged (e.g. seed repeats); default: each run its own row')
    .option('--label-smoothing <eps>', 'label smoothing ε in [0, 1) (PyTorch CrossEntropyLoss label_smoothing)', num('--label-smoothing', { min: 0 }))
    .option('--clip-grad <mode:x>', 'clip gradients before each step: norm:X (total L2 norm, clip_grad_norm_) or value:X', (v: string) => parseClipGrad(v))
    .option('--augment <spec>', 'seeded training augmentation: standard, strong, or ops such as crop:4,flip,rrc:0.08,jitter:0.4,erase:0.5,mixup:1,cutmix:1', (v: string) => canonicalAugment(v))
    .option('--ema <decay>', 'validate, test and keep as best an exponential moving average of the weights, e.g. 0.999 (timm ModelEmaV2; BN statistics included)', num('--ema', { min: 0 }))
    .option('--test', 'after training, evaluate the best weights once on the test split')
    .option('--logdir <dir>', 'parent directory of runs', 'runs')
    .option('--name <name>', 'run name (default <arch>-<timestamp>)')
    .option('--resume <run>', 'continue a run from its latest checkpoint')
    .action(async (o: TrainCliOptions) => {
      const { report } = await runTrain(o);
      if (report.status === 'failed') process.exitCode = 1;
    });
}
