import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  captureStatus, captureStep, createModel, describeEngine, getDropoutState, initEngine, saveModel, setDropoutState, softmaxCrossEntropy, summarize, tf,
  type BackendChoice, type EngineInfo,
} from '@cnnlab/core';
import { diagnoseFit, improvesBest, type FitDiagnosis } from '@cnnlab/analysis';
import { fitOptionsOf } from './fit-options.js';
import { CheckpointStore, encodeCheckpoint, type TensorEntry } from './checkpoint.js';
import { lockFile } from './lock.js';
import { resolveTrainConfig, type TrainConfig, type TrainOptions } from './config.js';
import {
  BatchSource, checkChannels, computeNormalization, loadDataset, loadFolderForConfig, loadNormalization, loadSplit, makeRunSplit, saveNormalization, saveSplit, stratifiedSubset,
  type Dataset, type Normalization, type Split,
} from './data/index.js';
import { augmentSampleGrid, AugmentedBatches, trainingBatches, type TrainBatches } from './data/augment/index.js';
import { activationsPerImage, evaluateModel } from './evaluate.js';
import { hparamsOf, TAGS } from './event-schema.js';
import { logTestMetrics, RunLogger, type LoggerStart } from './events.js';
import { planResume } from './resume-events.js';
import { Optimizer } from './optim/optimizers.js';
import { clipGradients } from './optim/clip.js';
import { smoothTargets } from './optim/label-smoothing.js';
import { evaluatedWeightsPrefix, ModelEma, withWeights } from './optim/ema.js';
import { initialScheduleState, learningRate, updateSchedule, type ScheduleState } from './optim/schedule.js';
import {
  createRunDirectory, defaultRunName, readConfig, readReport, runPaths, writeJson, type EpochMetrics, type RunReport, type RunStatus,
} from './run-dir.js';
import { EXAMPLES_PER_CELL, isHistogramEpoch, logGradientHistograms, logWeightHistograms, misclassifiedGrid, writeConfusionExamples, type Misclassified } from './summaries/index.js';

/** Everything a checkpoint holds besides tensors: where the loop is and what it has seen. */
export interface LoopState {
  /** 0-based epoch in progress (or about to start). */
  epoch: number;
  /** Next batch of that epoch. */
  batch: number;
  globalStep: number;
  dropoutDraws: number;
  /** Running sums of the epoch in progress. */
  partial: { lossSum: number; correct: number; seen: number; seconds: number };
  history: EpochMetrics[];
  schedule: ScheduleState;
  early: { bestValLoss: number | null; bestEpoch: number | null; badEpochs: number };
  optimizerStep: number;
  done: boolean;
}

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface StartInfo {
  runDir: string;
  config: TrainConfig;
  engine: EngineInfo;
  dataset: Dataset;
  split: Split;
  params: number;
  microBatch: number;
  resumedFrom: { epoch: number; batch: number; file: string } | null;
}

export interface TrainHooks {
  onStart?(info: StartInfo): void;
  onBatch?(progress: BatchProgress): void;
  onEpoch?(metrics: EpochMetrics, info: { improved: boolean; diagnosis: FitDiagnosis; checkpoint: string }): void;
  /** Aborting (e.g. on Ctrl-C) saves a checkpoint after the current batch and returns with status 'interrupted'. */
  signal?: AbortSignal;
  log?(message: string): void;
}

export interface RunOptions {
  /** Parent of the run directory (default "runs"). */
  logdir?: string;
  /** Run directory name under logdir (default "<arch>-<timestamp>"). */
  name?: string;
  /**
   * TensorBoard HParams session group: runs of one group share a row (metrics averaged), e.g. seed repeats.
   * Default '' — TensorBoard then uses the run's own path, unique even when its logdir is a folder above several cnnlab logdirs.
   */
  group?: string;
  backend?: BackendChoice;
  cacheDir?: string;
}

export interface TrainResult {
  runDir: string;
  report: RunReport;
  /** Set when a resume found nothing to do: why, and how to train further. */
  notice?: string;
}

export class TrainingError extends Error {
  override name = 'TrainingError';
}

/** Starts a new run: checks the configuration, prepares data, split and normalisation, then trains. */
export async function train(options: TrainOptions & RunOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const config = resolveTrainConfig(options);
  const name = options.name ?? defaultRunName(config.arch);
  const runDir = resolve(options.logdir ?? 'runs', name);
  const engine = await initEngine({ backend: options.backend });
  const dataset = await prepareDataset(config, options.cacheDir, hooks);
  checkChannels(dataset.channels, config.input[0], `${config.arch} on ${dataset.name}`);
  const model = buildModel(config, dataset);
  createRunDirectory(runDir);
  try {
    return await startRun(runDir, config, engine, dataset, model, options.group ?? '', hooks);
  } catch (error) {
    discardUnstartedRun(runDir);
    throw error;
  }
}

/**
 * Removes the run directory `train` created when it failed before its first
 * training step, so that no half-made run (status running, a stale lock) is
 * left. A directory holding a checkpoint is kept (e.g. a loss that diverged in
 * the first batch: its failed report says why).
 */
function discardUnstartedRun(runDir: string): void {
  const checkpoints = runPaths(runDir).checkpoints;
  if (existsSync(checkpoints) && readdirSync(checkpoints).length > 0) return;
  rmSync(runDir, { recursive: true, force: true });
}

async function startRun(runDir: string, config: TrainConfig, engine: EngineInfo, dataset: Dataset, model: tf.LayersModel, group: string, hooks: TrainHooks): Promise<TrainResult> {
  const paths = runPaths(runDir);
  const { split, kind, description } = makeRunSplit(dataset, config.split, config.seed, config.dataset.officialSplit);
  hooks.log?.(`Split: ${description}.`);
  saveSplit(paths.split, split);
  const normalization = computeNormalization(dataset, split.train);
  saveNormalization(paths.normalization, normalization);
  writeJson(paths.config, config);
  const summary = summarize(model);
  const report: RunReport = {
    name: runDir.split(/[\\/]/).pop()!,
    arch: config.arch,
    status: 'running',
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    engine: { backend: engine.backend, threads: engine.threads, simd: engine.simd },
    dataset: { name: dataset.name, images: dataset.count, train: split.train.length, val: split.val.length, test: split.test.length, split: kind, splitDescription: description, classes: dataset.classes, note: dataset.note },
    params: { trainable: summary.totals.trainableParams, total: summary.totals.params, macs: summary.totals.macs },
    epochsPlanned: config.epochs,
    history: [],
    bestEpoch: null,
    bestValLoss: null,
    bestValAcc: null,
    diagnosis: null,
    resumes: 0,
    group,
  };
  writeJson(paths.report, report);
  return runLoop({ runDir, config, engine, dataset, split, normalization, model, report, resumed: null, group }, hooks);
}

/** Continues a run from its newest valid checkpoint (after a crash, a kill or Ctrl-C). */
export async function resumeRun(runDirArg: string, options: { backend?: BackendChoice; cacheDir?: string; epochs?: number } = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const runDir = resolve(runDirArg);
  const paths = runPaths(runDir);
  const config = readConfig(runDir);
  const done = alreadyDone(readReport(runDir), options.epochs ?? config.epochs);
  if (done) {
    hooks.log?.(done);
    return { runDir, report: readReport(runDir), notice: done };
  }
  if (options.epochs !== undefined) {
    if (!Number.isInteger(options.epochs) || options.epochs < config.epochs) {
      throw new TrainingError(`--epochs ${options.epochs} must be an integer ≥ the run's ${config.epochs} planned epochs`);
    }
    config.epochs = options.epochs;
    writeJson(paths.config, config);
  }
  const engine = await initEngine({ backend: options.backend });
  const dataset = await prepareDataset(config, options.cacheDir, hooks);
  const split = loadSplit(paths.split, dataset.labels);
  const normalization = loadNormalization(paths.normalization);
  const model = buildModel(config, dataset);
  const report = readReport(runDir);
  report.resumes += 1;
  report.status = 'running';
  report.epochsPlanned = config.epochs;
  delete report.message;
  return runLoop({ runDir, config, engine, dataset, split, normalization, model, report, resumed: true, group: null }, hooks);
}

/** Why resuming `report`'s run to `epochs` epochs has nothing to train, or null. */
function alreadyDone(report: RunReport, epochs: number): string | null {
  const trained = report.history.length;
  if (report.status === 'stopped-early') {
    return `Run ${report.name} already stopped early after epoch ${trained} (no validation improvement), so there is nothing to resume. Start a new run to train longer.`;
  }
  if (report.status === 'finished' && epochs <= trained) {
    return `Run ${report.name} already finished all ${trained} epochs, so there is nothing to resume. To train it further, resume with more epochs: --resume <run> --epochs ${trained + 5} (any N > ${trained}).`;
  }
  return null;
}

export async function prepareDataset(config: TrainConfig, cacheDir: string | undefined, hooks: TrainHooks): Promise<Dataset> {
  const full = config.dataset.name === 'folder'
    ? await loadFolderForConfig(config, cacheDir, hooks.log)
    : loadDataset({ name: config.dataset.name, dir: config.dataset.dir, cacheDir, log: hooks.log, grayscale: config.dataset.grayscale });
  return config.dataset.limit === undefined ? full : stratifiedSubset(full, config.dataset.limit, config.seed);
}

export function buildModel(config: TrainConfig, dataset: Dataset): tf.LayersModel {
  return createModel(config.arch, { input: config.input, classes: dataset.classes.length, options: config.archOptions, seed: config.seed });
}

/**
 * Images per forward/backward pass. The wasm heap is capped at 4 GB, so large
 * batches of large inputs are split; each micro-batch normalises with its own
 * batch statistics (as with gradient accumulation in PyTorch) and the
 * gradients of the micro-batches are summed with weights n_i/n.
 */
export function chooseMicroBatch(model: tf.LayersModel, batchSize: number, requested: number, engine: EngineInfo): number {
  if (requested > 0) return requested;
  if (engine.backend !== 'wasm') return batchSize;
  const activations = activationsPerImage(model);
  // Forward activations, their gradients and temporaries: about 4 float32 copies per image, within ~1.5 GB.
  const perImage = activations * 4 * 4;
  const fit = Math.max(1, Math.floor(1.5e9 / perImage));
  return Math.min(batchSize, fit);
}

interface LoopContext {
  runDir: string;
  config: TrainConfig;
  engine: EngineInfo;
  dataset: Dataset;
  split: Split;
  normalization: Normalization;
  model: tf.LayersModel;
  report: RunReport;
  resumed: true | null;
  /** The HParams session group of a new run (null when resumed: its session is already written). */
  group: string | null;
}

function initialState(): LoopState {
  return {
    epoch: 0, batch: 0, globalStep: 0, dropoutDraws: 0,
    partial: { lossSum: 0, correct: 0, seen: 0, seconds: 0 },
    history: [], schedule: initialScheduleState(), early: { bestValLoss: null, bestEpoch: null, badEpochs: 0 },
    optimizerStep: 0, done: false,
  };
}

const isNewer = (a: LoopState, b: LoopState) => a.globalStep > b.globalStep;

function snapshot(model: tf.LayersModel, optimizer: Optimizer, ema: ModelEma | null): TensorEntry[] {
  const weights = model.weights.map((w, i) => ({ name: `w/${i}/${w.originalName}`, shape: w.shape as number[], values: w.read().dataSync() as Float32Array }));
  const slots = optimizer.getState().slots.flatMap((s, i) => s.values.map((values, j) => ({ name: `opt/${i}/${j}`, shape: s.shape, values })));
  return [...weights, ...slots, ...(ema?.entries(model.weights.map((w) => w.originalName)) ?? [])];
}

/** Every model weight (batch norm's moving statistics included), in `model.weights` order. */
const modelWeights = (model: tf.LayersModel) => model.weights.map((w) => w.read());

/** Sets the model's weights from a checkpoint's `prefix` tensors: `w/` (the model's own) or `ema/` (its EMA). */
function restoreWeights(model: tf.LayersModel, tensors: TensorEntry[], source: string, prefix = 'w/'): void {
  const weights = tensors.filter((t) => t.name.startsWith(prefix));
  if (weights.length !== model.weights.length) {
    throw new TrainingError(`${source} holds ${weights.length} weight tensors; the model has ${model.weights.length} (was the architecture changed?)`);
  }
  model.weights.forEach((w, i) => {
    const t = weights[i]!;
    if (t.shape.join('x') !== (w.shape as number[]).join('x')) {
      throw new TrainingError(`${source}: weight ${i} (${t.name}) has shape ${t.shape.join('x')}; the model's ${w.originalName} is ${w.shape.join('x')}`);
    }
  });
  const values = weights.map((t) => tf.tensor(t.values, t.shape));
  model.setWeights(values);
  tf.dispose(values);
}

function restoreOptimizer(optimizer: Optimizer, tensors: TensorEntry[], step: number): void {
  const slots: { shape: number[]; values: Float32Array[] }[] = [];
  for (const t of tensors.filter((e) => e.name.startsWith('opt/'))) {
    const [, i, j] = t.name.split('/').map(Number) as [number, number, number];
    (slots[i] ??= { shape: t.shape, values: [] }).values[j] = t.values;
  }
  optimizer.setState({ step, slots: slots.length ? slots : optimizer.getState().slots.map((s) => ({ ...s, values: [] })) });
}

/** Restores a resumed run's state and prepares data and events; throws before anything is trained. */
function prepareLoop(ctx: LoopContext, optimizer: Optimizer, ema: ModelEma | null, store: CheckpointStore, hooks: TrainHooks) {
  const { runDir, config, engine, dataset, split, normalization, model, report } = ctx;
  let state = initialState();
  let sessionGroup = ctx.group;
  let resumedFrom: StartInfo['resumedFrom'] = null;
  let loggerStart: LoggerStart = { restartStep: 0 };
  if (ctx.resumed) {
    const found = store.loadNewest<LoopState>(isNewer);
    if (found) {
      for (const s of found.skipped) hooks.log?.(`Skipped checkpoint ${s}`);
      restoreWeights(model, found.checkpoint.tensors, found.file);
      state = found.checkpoint.state;
      restoreOptimizer(optimizer, found.checkpoint.tensors, state.optimizerStep);
      ema?.restore(found.checkpoint.tensors, found.file);
      resumedFrom = { epoch: state.epoch, batch: state.batch, file: found.file };
    } else {
      hooks.log?.('No checkpoint found: the run starts again from its first epoch.');
    }
    const plan = planResume(runDir, state.history.length, state.globalStep, hparamsOf(config));
    if (plan.orphans) hooks.log?.(`${plan.orphans} event(s) logged after the checkpoint are superseded (TensorBoard drops them at the restart record), so no step shows twice.`);
    if (plan.writeSession) sessionGroup = report.group ?? '';
    loggerStart = { restartStep: plan.restartStep ?? 0, replay: plan.replay };
  }
  setDropoutState(state.dropoutDraws);
  const trainSource = new BatchSource(dataset, split.train, { inputShape: config.input, normalization, batchSize: config.batchSize });
  const valSource = new BatchSource(dataset, split.val, { inputShape: config.input, normalization, batchSize: config.evalBatchSize });
  const microBatch = chooseMicroBatch(model, config.batchSize, config.microBatch, engine);
  const logger = new RunLogger(runDir, config, { ...loggerStart, ...(sessionGroup === null ? {} : { session: { group: sessionGroup } }) });
  // The prefetch thread only pays where a core is left over from the engine's threads (measured: on 2 cores it slows a 2-thread torch step).
  const trainBatches = trainingBatches(trainSource, config.augment, config.seed, dataset.classes.length, { prefetch: availableParallelism() > engine.threads });
  if (!ctx.resumed && trainBatches instanceof AugmentedBatches) {
    const grid = augmentSampleGrid(trainBatches, trainSource.epochOrder(config.seed, 0), 0);
    logger.image(TAGS.augmentSamples, grid.png, { width: grid.width, height: grid.height }, 0);
  }
  hooks.onStart?.({ runDir, config, engine, dataset, split, params: report.params.trainable, microBatch, resumedFrom });
  hooks.log?.(`Engine: ${describeEngine(engine)}; micro-batch ${microBatch} of ${config.batchSize}.`);
  return { state, trainSource, trainBatches, valSource, microBatch, logger };
}

async function runLoop(ctx: LoopContext, hooks: TrainHooks): Promise<TrainResult> {
  const { runDir, config, dataset, model, report } = ctx;
  const paths = runPaths(runDir);
  const releaseLock = lockFile(paths.lock, (pid) => new TrainingError(`Run is in use by process ${pid} (${paths.lock}); stop it before resuming`));
  const store = new CheckpointStore(paths.checkpoints);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new Optimizer(config.optimizer, variables);
  const ema = config.ema ? new ModelEma(config.ema, modelWeights(model)) : null;
  const release = () => {
    prepared?.trainBatches.close?.();
    optimizer.dispose();
    ema?.dispose();
    model.dispose();
    releaseLock();
  };
  let prepared: ReturnType<typeof prepareLoop> | undefined;
  try {
    prepared = prepareLoop(ctx, optimizer, ema, store, hooks);
  } catch (error) {
    release();
    throw error;
  }
  const { trainSource, trainBatches, valSource, microBatch, logger } = prepared;
  const state = prepared.state;
  const classes = dataset.classes.length;
  // A failure before the first training step leaves the report as it was (a new run's directory is then removed).
  let trainingStarted = false;
  let captureReported = false;
  let histogramSeconds = 0;
  let lastMisclassified: Misclassified[] = [];

  const save = (best = false) => {
    state.dropoutDraws = getDropoutState();
    state.optimizerStep = optimizer.getState().step;
    const bytes = encodeCheckpoint(state, snapshot(model, optimizer, ema));
    const latest = store.save('latest', bytes);
    if (best) store.save('best', bytes);
    return latest;
  };
  const finish = (status: RunStatus, message?: string): TrainResult => {
    report.status = status;
    report.updatedAt = new Date().toISOString();
    if (message) report.message = message;
    writeJson(paths.report, report);
    logger.end(status);
    release();
    return { runDir, report };
  };

  try {
    const batches = trainSource.batchesPerEpoch;
    while (!state.done && state.epoch < config.epochs) {
      const lr = learningRate(config.lr, state.epoch, config.epochs, config.schedule, state.schedule);
      const order = trainSource.epochOrder(config.seed, state.epoch);
      for (; state.batch < batches; state.batch++) {
        if (hooks.signal?.aborted) {
          const file = save();
          return finish('interrupted', `Interrupted in epoch ${state.epoch + 1} at batch ${state.batch}; continue with --resume (checkpoint ${file}).`);
        }
        const started = performance.now();
        const start = state.batch * config.batchSize;
        const size = Math.min(config.batchSize, trainSource.size - start);
        const { loss, correct, grads } = batchGradients(model, trainBatches, order, start, size, state.epoch, microBatch, classes, variables, config.labelSmoothing);
        trainingStarted = true;
        if (!Number.isFinite(loss)) {
          tf.dispose(grads);
          const file = save();
          throw new TrainingError(`The training loss became ${loss} in epoch ${state.epoch + 1}, batch ${state.batch + 1} (lr ${lr}); the run stopped. The last good state is in ${file}. Try a smaller learning rate.`);
        }
        if (state.batch === batches - 1 && isHistogramEpoch(config.histograms ?? 0, state.epoch + 1)) {
          const t0 = performance.now();
          logGradientHistograms(logger.events, grads, model.trainableWeights.map((w) => w.originalName), state.epoch + 1);
          histogramSeconds = (performance.now() - t0) / 1000;
        }
        optimizer.apply(clipGradients(grads, config.clipGrad).grads, lr);
        ema?.update(modelWeights(model));
        if (!captureReported) captureReported = reportCapture(model, hooks.log);
        state.globalStep += 1;
        state.partial.lossSum += loss * size;
        state.partial.correct += correct;
        state.partial.seen += size;
        state.partial.seconds += (performance.now() - started) / 1000;
        if (config.logEveryBatches && state.globalStep % config.logEveryBatches === 0) logger.batch(state.globalStep, loss);
        hooks.onBatch?.({
          epoch: state.epoch + 1, epochs: config.epochs, batch: state.batch + 1, batches,
          loss: state.partial.lossSum / state.partial.seen, accuracy: state.partial.correct / state.partial.seen,
          imagesPerSecond: state.partial.seen / Math.max(1e-9, state.partial.seconds),
        });
      }
      const val = ema ? withWeights(model, ema.weights, () => evaluateModel(model, valSource, classes, { misclassified: 16 })) : evaluateModel(model, valSource, classes, { misclassified: 16 });
      lastMisclassified = val.misclassified;
      const metrics: EpochMetrics = {
        epoch: state.epoch + 1,
        trainLoss: state.partial.lossSum / state.partial.seen,
        trainAcc: state.partial.correct / state.partial.seen,
        valLoss: val.loss,
        valAcc: val.accuracy,
        lr,
        seconds: state.partial.seconds,
        imagesPerSecond: state.partial.seen / Math.max(1e-9, state.partial.seconds),
      };
      state.history.push(metrics);
      state.schedule = updateSchedule(config.schedule, state.schedule, val.loss);
      const improved = improvesBest(val.loss, state.early.bestValLoss, fitOptionsOf(config));
      if (improved) state.early = { bestValLoss: val.loss, bestEpoch: metrics.epoch, badEpochs: 0 };
      else state.early.badEpochs += 1;
      const stopEarly = config.earlyStopping.enabled && state.early.badEpochs >= config.earlyStopping.patience;
      state.epoch += 1;
      state.batch = 0;
      state.partial = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
      state.done = stopEarly;
      const best = state.history.find((h) => h.epoch === state.early.bestEpoch);
      logger.epoch(metrics, best ? { epoch: best.epoch, valLoss: best.valLoss, valAcc: best.valAcc } : null);
      if (isHistogramEpoch(config.histograms ?? 0, metrics.epoch)) {
        const t0 = performance.now();
        logWeightHistograms(logger.events, model, metrics.epoch);
        logger.events.scalar('perf/histogram_seconds', histogramSeconds + (performance.now() - t0) / 1000, metrics.epoch);
        histogramSeconds = 0;
      }
      const file = save(improved);
      if (state.epoch % config.checkpoint.every === 0) {
        store.save({ epoch: state.epoch }, readFileSync(file));
        store.prune(config.checkpoint.keep);
      }
      const diagnosis = diagnoseFit(state.history, fitOptionsOf(config));
      updateReport(report, state, diagnosis);
      writeJson(paths.report, report);
      hooks.onEpoch?.(metrics, { improved, diagnosis, checkpoint: file });
    }
    trainingStarted = true;
    if (config.earlyStopping.restoreBest) await exportBestModel(model, store, paths.bestModel, evaluatedWeightsPrefix(config.ema));
    const stoppedEarly = state.done && state.epoch < config.epochs;
    logger.text('summary/diagnosis', report.diagnosis?.verdict ?? '', state.epoch);
    if (lastMisclassified.length) {
      const { grid, labels } = misclassifiedGrid(dataset, lastMisclassified);
      logger.events.image('summary/misclassified', grid.png, { width: grid.width, height: grid.height }, state.epoch);
      logger.text('summary/misclassified_labels', `Misclassified validation images after epoch ${state.epoch}, in grid order:\n\n${labels}`, state.epoch);
    }
    return finish(stoppedEarly ? 'stopped-early' : 'finished', stoppedEarly
      ? `Stopped early after epoch ${state.epoch}: no validation improvement for ${config.earlyStopping.patience} epochs.`
      : undefined);
  } catch (error) {
    if (trainingStarted) finish('failed', (error as Error).message);
    else {
      logger.close();
      release();
    }
    throw error;
  } finally {
    logger.close();
  }
}

function updateReport(report: RunReport, state: LoopState, diagnosis: FitDiagnosis): void {
  report.history = state.history;
  report.bestEpoch = state.early.bestEpoch;
  const best = state.history.find((m) => m.epoch === state.early.bestEpoch);
  report.bestValLoss = best?.valLoss ?? null;
  report.bestValAcc = best?.valAcc ?? null;
  report.diagnosis = diagnosis;
  report.updatedAt = new Date().toISOString();
}

/** Saves the weights of the best epoch (lowest validation loss; the EMA's when on) as a loadable model for evaluate/predict. */
async function exportBestModel(model: tf.LayersModel, store: CheckpointStore, dir: string, prefix: string): Promise<void> {
  const best = store.loadBest<LoopState>();
  if (!best) return;
  const current = model.getWeights().map((t) => t.clone());
  restoreWeights(model, best.tensors, 'best.ckpt', prefix);
  await saveModel(model, dir);
  model.setWeights(current);
  tf.dispose(current);
}

/**
 * Loss, correct predictions and summed gradients of one batch, computed in
 * micro-batches; gradients are weighted by each micro-batch's share.
 */
export function batchGradients(
  model: tf.LayersModel, source: TrainBatches, order: Uint32Array, start: number, size: number, epoch: number, microBatch: number, classes: number, variables: tf.Variable[], labelSmoothing = 0,
): { loss: number; correct: number; grads: tf.Tensor[] } {
  let total: tf.Tensor[] | null = null;
  let loss = 0, correct = 0;
  for (let offset = 0; offset < size; offset += microBatch) {
    const m = Math.min(microBatch, size - offset);
    const { x, y } = source.batch(order, start + offset, m, epoch);
    const [value, hits, ...ordered] = stepGradients(model, x, y, classes, m / size, variables, labelSmoothing);
    loss += value!.dataSync()[0]!;
    correct += hits!.dataSync()[0]!;
    if (total) {
      const previous: tf.Tensor[] = total;
      total = ordered.map((g, i) => tf.add(previous[i]!, g));
      tf.dispose([...previous, ...ordered]);
    } else {
      total = ordered;
    }
    tf.dispose([x, y, value!, hits!]);
  }
  return { loss, correct, grads: total! };
}

/** Says once whether the engine replays this model's training step natively (step capture), and if not why; true once said. */
function reportCapture(model: tf.LayersModel, log: ((message: string) => void) | undefined): boolean {
  const mine = captureStatus().filter((s) => s.key.startsWith(`train/${model.id}/`));
  if (!mine.length) return true; // an engine without step capture (wasm), or CNNLAB_CAPTURE=0
  const settled = mine.find((s) => s.state !== 'recording');
  if (!settled) return false;
  log?.(settled.state === 'replaying'
    ? `Step capture: the training step's ${settled.calls} native calls are replayed from its third run on, bit for bit as run eagerly (CNNLAB_CAPTURE=0 turns it off).`
    : `Step capture: off, the training step runs kernel by kernel: ${settled.reason}.`);
  return true;
}

/**
 * One micro-batch's forward and backward pass: [loss × scale, correct predictions, ...gradients in `variables`
 * order]. `y` holds class indices, or soft targets (n × classes, from mixup/cutmix; a prediction counts as
 * correct when it is the target's largest class). It runs through the engine's step capture (torch replays it natively from its third run, with the
 * same results bit for bit); the optimizer step stays outside, after the loss is checked.
 */
export function stepGradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, classes: number, scale: number, variables: tf.Variable[], labelSmoothing = 0): tf.Tensor[] {
  const soft = y.rank === 2;
  return captureStep(`train/${model.id}/${classes}/${scale}/${variables.length}/${labelSmoothing}${soft ? '/soft' : ''}`, [x, y], () => {
    let hits: tf.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), soft ? tf.argMax(y, 1) : y), 'int32')));
      const targets = soft ? y : tf.oneHot(y as tf.Tensor1D, classes);
      return tf.mul(softmaxCrossEntropy(smoothTargets(targets, labelSmoothing), logits), scale) as tf.Scalar;
    }, variables);
    return [value, hits!, ...variables.map((v) => grads[v.name]!)];
  });
}

/** Evaluates the best weights once on the test split (an explicit step after training) and records it in the run. */
export async function evaluateRun(runDirArg: string, options: { split?: 'test' | 'val' | 'train'; backend?: BackendChoice; cacheDir?: string; force?: boolean; log?: (m: string) => void } = {}) {
  const runDir = resolve(runDirArg);
  const paths = runPaths(runDir);
  const config = readConfig(runDir);
  const part = options.split ?? 'test';
  const previous = readReport(runDir).test;
  if (part === 'test' && previous && !options.force) {
    throw new TrainingError(`The test split of ${runDir} was already evaluated (${previous.evaluatedAt}: accuracy ${previous.accuracy.toFixed(4)}). The test split is for one final measurement; pass --force to measure it again.`);
  }
  await initEngine({ backend: options.backend });
  const dataset = await prepareDataset(config, options.cacheDir, { log: options.log });
  const split = loadSplit(paths.split, dataset.labels);
  const normalization = loadNormalization(paths.normalization);
  const model = buildModel(config, dataset);
  const store = new CheckpointStore(paths.checkpoints);
  const best = store.loadBest<LoopState>();
  if (!best) throw new TrainingError(`${runDir} has no best checkpoint yet: train at least one epoch first`);
  restoreWeights(model, best.tensors, 'best.ckpt', evaluatedWeightsPrefix(config.ema));
  if (split[part].length === 0) throw new TrainingError(`${runDir} has no ${part} images (${readReport(runDir).dataset.splitDescription ?? 'its split'}); nothing to evaluate`);
  const source = new BatchSource(dataset, split[part], { inputShape: config.input, normalization, batchSize: config.evalBatchSize });
  const result = evaluateModel(model, source, dataset.classes.length, { confusion: true, examplesPerCell: part === 'test' ? EXAMPLES_PER_CELL : undefined });
  const report = readReport(runDir);
  const epoch = best.state.early.bestEpoch ?? best.state.history.length;
  if (part === 'test') {
    const evaluatedAt = new Date().toISOString();
    writeConfusionExamples(runDir, dataset, result.examples!, { evaluatedAt, epoch });
    report.test = { loss: result.loss, accuracy: result.accuracy, evaluatedAt, epoch, confusion: result.confusion!, classes: dataset.classes };
    writeJson(paths.report, report);
    if (!logTestMetrics(runDir, epoch, result.loss, result.accuracy, { confusion: result.confusion!, classes: dataset.classes })) {
      options.log?.(`The events already hold test metrics of epoch ${epoch}; report.json has the new measurement, the events keep one value per step.`);
    }
  }
  model.dispose();
  return { runDir, split: part, epoch, classes: dataset.classes, ...result };
}

