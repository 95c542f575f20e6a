import { Command, Option } from 'commander';
import { describeSuggestion, lrFind, parseClipGrad, type LrFindOptions } from '@cnnlab/trainer';
import { int, keyValue, num, shape, split } from '../parse.js';
import { trainOptionsFrom, type TrainCliOptions } from './train.js';

interface LrFindCliOptions extends TrainCliOptions {
  min: number;
  max: number;
  steps: number;
}

export function lrFindOptionsFrom(o: LrFindCliOptions): LrFindOptions {
  const { lr: _lr, epochs: _e, schedule: _s, earlyStopping: _es, checkpoint: _c, ema: _ema, ...train } = trainOptionsFrom(o);
  return { ...train, range: { min: o.min, max: o.max, steps: o.steps }, logdir: o.logdir, ...(o.name && { name: o.name }) };
}

export function lrFindCommand(): Command {
  return new Command('lr-find')
    .description('Learning-rate range test (Smith 2017, fastai lr_find): exponential lr ramp on a fresh model, loss-vs-lr curve in TensorBoard, a suggested rate')
    .option('-a, --arch <name>', 'registered architecture (see cnnlab list)', 'bn-lenet')
    .option('--min <lr>', 'first learning rate', num('--min', { min: 0, exclusiveMin: true }), 1e-7)
    .option('--max <lr>', 'last learning rate', num('--max', { min: 0, exclusiveMin: true }), 10)
    .option('--steps <n>', 'steps of the ramp, one batch each (≥ 10)', int('--steps', { min: 10 }), 100)
    .option('-b, --batch-size <n>', 'images per step (default: the architecture\'s d2l batch size)', int('--batch-size'))
    .option('--micro-batch <n>', 'images per forward/backward pass; default: automatic', int('--micro-batch'))
    .addOption(new Option('--optimizer <name>', 'optimizer (default: the architecture\'s)').choices(['sgd', 'adam', 'adamw']))
    .option('--momentum <x>', 'SGD momentum', num('--momentum', { min: 0 }))
    .option('--nesterov', 'Nesterov momentum')
    .option('--weight-decay <x>', 'weight decay', num('--weight-decay', { min: 0 }))
    .option('--seed <n>', 'seed for initialisation, split and batch order', int('--seed', { min: 0 }))
    .option('--split <fractions>', 'train/val/test fractions; the test uses the training part', split)
    .addOption(new Option('--dataset <name>', 'data set').choices(['fashion-mnist', 'mnist', 'idx', 'cifar10']))
    .option('--data-dir <dir>', 'folder with IDX or CIFAR-10 binary files')
    .option('--limit <n>', 'use a stratified subset of n images', int('--limit'))
    .option('--grayscale', 'convert RGB images to one gray channel')
    .option('--input <c,h,w>', 'model input (images are resized), e.g. 1,96,96', shape)
    .option('--option <key=value>', 'architecture option (repeatable)', keyValue)
    .option('--label-smoothing <eps>', 'label smoothing ε in [0, 1)', num('--label-smoothing', { min: 0 }))
    .option('--clip-grad <mode:x>', 'clip gradients: norm:X or value:X', (v: string) => parseClipGrad(v))
    .option('--logdir <dir>', 'parent directory of the result', 'runs')
    .option('--name <name>', 'result directory name (default lr-find-<arch>-<timestamp>)')
    .action(async (o: LrFindCliOptions) => {
      const { dir, file, record } = await lrFind(lrFindOptionsFrom(o), {
        log: (m) => process.stderr.write(`${m}\n`),
        onStep: (p, steps) => {
          if (p.step % 10 === 0 || p.step === steps - 1) process.stderr.write(`step ${p.step + 1}/${steps}  lr ${p.lr.toExponential(2)}  loss ${p.loss.toFixed(4)}  smoothed ${p.smoothedLoss.toFixed(4)}\n`);
        },
      });
      console.log(describeSuggestion(record));
      console.log(`Suggested lr: ${record.suggestedLr}`);
      console.log(`Curve: tensorboard --logdir ${dir} (scalars lr_find/loss, lr_find/lr at step = index); result ${file}`);
    });
}
