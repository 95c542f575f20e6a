import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { diagnoseFit, type EpochMetrics, type FitDiagnosis } from '@cnnlab/analysis';
import { assertRunDirectory, evaluateRun, findLrFinds, findRuns, formatLearningRate, isRunDirectory, liveRunStatus, medianImagesPerSecond, predictImages, readReport, TAGS } from '@cnnlab/trainer';
import { readRunDirectory, scalarSeries } from '@cnnlab/tfevents';
import { table, thousands } from '../table.js';

export function runsCommand(): Command {
  return new Command('runs')
    .description('List the training runs under a log directory')
    .option('--logdir <dir>', 'directory holding runs', 'runs')
    .option('--json', 'print JSON')
    .action((o: { logdir: string; json?: boolean }) => {
      // A 'running' report whose trainer is gone (killed: its lock names a dead process) is interrupted.
      const runs = findRuns(o.logdir).map((r) => ({ ...r, report: { ...r.report, ...liveRunStatus(r.dir, r.report) } }));
      const lrFinds = findLrFinds(o.logdir);
      for (const problem of lrFinds.problems) process.stderr.write(`warning: skipped an lr-find result: ${problem}\n`);
      if (o.json) {
        return console.log(JSON.stringify([
          ...runs.map((r) => ({
            kind: 'training', ...r.report, name: r.name, dir: r.dir, history: undefined,
            imagesPerSecond: medianImagesPerSecond(r.report.history), imagesPerSecondStatistic: 'median of epochs',
          })),
          ...lrFinds.results.map((r) => ({ ...r.record, name: r.name, dir: r.dir, points: undefined })),
        ], null, 2));
      }
      if (!runs.length && !lrFinds.results.length) return console.log(`No runs under ${o.logdir}. Start one with: cnnlab train --arch bn-lenet`);
      if (runs.length) printTrainingRuns(runs);
      if (lrFinds.results.length) printLrFinds(lrFinds.results, runs.length > 0);
    });
}

function printTrainingRuns(runs: ReturnType<typeof findRuns>): void {
  console.log(table(['run', 'arch', 'status', 'split', 'epochs', 'best', 'best val acc', 'test acc', 'params', 'median img/s', 'started'], runs.map(({ name, report: r }) => [
    name, r.arch, r.status, r.dataset.split ?? 'seeded', `${r.history.length}/${r.epochsPlanned}`, r.bestEpoch ?? '-', r.bestValAcc?.toFixed(4) ?? '-', r.test?.accuracy.toFixed(4) ?? '-',
    thousands(r.params.trainable), medianImagesPerSecond(r.history)?.toFixed(0) ?? '-', r.startedAt.replace('T', ' ').slice(0, 19),
  ]), { align: ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] }));
  if (runs.some((r) => r.report.status === 'interrupted')) console.log('\ninterrupted: the training process is gone (killed or crashed); continue with cnnlab train --resume <run>');
  console.log('median img/s: the median over epochs of each epoch\'s training images per second (as the dashboard shows)');
}

function printLrFinds(results: ReturnType<typeof findLrFinds>['results'], afterRuns: boolean): void {
  if (afterRuns) console.log('');
  console.log('learning-rate range tests (cnnlab lr-find)');
  const lr = formatLearningRate;
  console.log(table(['result', 'arch', 'dataset', 'batch', 'optimizer', 'suggested lr', 'min/10 lr', 'd2l lr', 'steps', 'stopped by', 'created'], results.map(({ name, record: r }) => [
    name, r.arch, r.dataset, r.batchSize, r.optimizer, lr(r.suggestedLr), lr(r.suggestions.minimumOver10.lr), lr(r.defaultLr), `${r.points.length}/${r.range.steps}`, r.stoppedBy,
    r.createdAt.replace('T', ' ').slice(0, 19),
  ]), { align: ['left', 'left', 'left', 'right', 'left', 'right', 'right', 'right', 'right', 'left', 'left'] }));
  console.log('suggested lr: the steepest descent of the smoothed loss; train with it: cnnlab train --arch <arch> --lr <rate>');
}

/** Per-epoch metrics of a cnnlab run (report.json) or of any TensorBoard run with train/val loss series. */
export async function historyOf(dir: string): Promise<EpochMetrics[]> {
  if (isRunDirectory(dir)) return readReport(dir).history;
  const { events } = await readRunDirectory(dir);
  const series = scalarSeries(events);
  const pick = (...tags: string[]) => tags.map((t) => series.get(t)).find(Boolean) ?? [];
  const val = pick(TAGS.valLoss, 'Loss/val', 'loss/val', 'val_loss', 'epoch_loss/validation');
  const trainLoss = new Map(pick(TAGS.trainLoss, 'Loss/train', 'loss/train', 'loss', 'epoch_loss').map((p) => [p.step, p.value]));
  const valAcc = new Map(pick(TAGS.valAcc, 'Accuracy/val', 'val_acc', 'val_accuracy').map((p) => [p.step, p.value]));
  const trainAcc = new Map(pick(TAGS.trainAcc, 'Accuracy/train', 'acc', 'accuracy').map((p) => [p.step, p.value]));
  if (!val.length) throw new Error(`${dir} has no validation-loss series (looked for ${TAGS.valLoss}, Loss/val, val_loss)`);
  return val.filter((p) => trainLoss.has(p.step)).map((p) => ({ epoch: p.step, valLoss: p.value, trainLoss: trainLoss.get(p.step)!, valAcc: valAcc.get(p.step), trainAcc: trainAcc.get(p.step) }));
}

export function printDiagnosis(d: FitDiagnosis): void {
  console.log(d.verdict);
  console.log(`status: ${d.status}; best epoch: ${d.bestEpoch ?? '-'} (validation loss ${d.bestValLoss?.toFixed(4) ?? '-'}); raw minimum at epoch ${d.minValLossEpoch ?? '-'}`);
  if (d.overfitting) console.log(`overfitting: epochs ${d.overfitting.start}–${d.overfitting.end}, validation loss +${(d.overfitting.valLossRise * 100).toFixed(1)}% while training loss −${(d.overfitting.trainLossDrop * 100).toFixed(1)}%`);
  if (d.underfitting) console.log(`underfitting: ${d.underfitting.reasons.join(', ')}`);
  console.log(table(['epoch', 'loss gap (val−train)', 'acc gap (train−val)'], d.gaps.map((g) => [g.epoch, g.lossGap.toFixed(4), g.accGap === null ? '-' : g.accGap.toFixed(4)])));
}

export function diagnoseCommand(): Command {
  return new Command('diagnose')
    .description('Best epoch, where overfitting starts, underfitting and the generalization gap of a run')
    .argument('<run>', 'run directory (cnnlab or any TensorBoard run with training/validation loss)')
    .option('--patience <n>', 'epochs a rise must last to count', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (run: string, o: { patience?: number; json?: boolean }) => {
      assertRunDirectory(run);
      const d = diagnoseFit(await historyOf(run), { ...(o.patience && { patience: o.patience }) });
      if (o.json) console.log(JSON.stringify(d, null, 2));
      else printDiagnosis(d);
    });
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('Evaluate a run\'s best weights on a split (the test split: once, as the final measurement) with a confusion matrix')
    .argument('<run>', 'run directory')
    .option('--split <name>', 'test, val or train', 'test')
    .option('--force', 'measure the test split again')
    .option('--json', 'print JSON')
    .action(async (run: string, o: { split: string; force?: boolean; json?: boolean }) => {
      if (!['test', 'val', 'train'].includes(o.split)) throw new Error(`--split must be test, val or train, got "${o.split}"`);
      const r = await evaluateRun(run, { split: o.split as 'test', force: o.force });
      if (o.json) return console.log(JSON.stringify(r, null, 2));
      console.log(`${r.split} split (${r.count} images), best weights of epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, accuracy ${r.accuracy.toFixed(4)}\n`);
      console.log('confusion matrix (rows: true class, columns: predicted)');
      console.log(table(['', ...r.classes.map((_, i) => String(i))], r.confusion!.map((row, i) => [`${i} ${r.classes[i]}`, ...row])));
    });
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('Classify images (JPEG, PNG, WebP, GIF) with a run\'s best weights')
    .argument('<run>', 'run directory')
    .argument('<images...>', 'image files: JPEG, PNG, WebP or GIF (first frame)')
    .option('--top <n>', 'classes to show per image', (v) => Number(v), 3)
    .option('--json', 'print JSON')
    .action(async (run: string, images: string[], o: { top: number; json?: boolean }) => {
      assertRunDirectory(run, 'config.json');
      for (const f of images) if (!existsSync(f)) throw new Error(`Image not found: ${f}`);
      const predictions = await predictImages(run, images, { top: o.top });
      if (o.json) return console.log(JSON.stringify(predictions, null, 2));
      for (const p of predictions) console.log(`${p.file}: ${p.className} (${(p.probability * 100).toFixed(1)}%)  ${p.top.slice(1).map((t) => `${t.className} ${(t.probability * 100).toFixed(1)}%`).join(', ')}`);
    });
}
