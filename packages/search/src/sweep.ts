import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  evaluateRun, readReport, resolveTrainConfig, type EpochMetrics, lockFile, type RunReport, type TrainHooks } from '@cnnlab/trainer';
import { LocalTrialExecutor, type TrialExecutor, type TrialHandlers, type TrialJob, type TrialOutcome } from './executor.js';
import { bestOf, firstMedianStop, halvingPromotion, halvingRungs, medianRuleDecision, metricSeries, type MedianDecision } from './pruning.js';
import { writeJson } from '@cnnlab/trainer/records';
import { noteInReport, type EngineOptions } from './runner.js';
import {
  eligibleTrials, rankTrials, readSweep, SWEEP_FILE, SWEEP_FORMAT_VERSION, type SweepState, type TrialRecord,
} from './sweep-state.js';
import { describeParams, planTrials } from './sampling.js';
import { writeSweepSeedMargins } from './seed-margins/index.js';
import { firstDifference, canonicalJson, SweepSpecError, trialOptions, validateSweepSpec, type ParamValue, type SweepSpec, type SweepSpecInput } from './spec.js';

export interface SweepHooks extends Omit<TrainHooks, 'signal'> {
  onTrialStart?(trial: TrialRecord, info: { total: number; epochs: number; action: 'train' | 'resume' }): void;
  onTrialEnd?(trial: TrialRecord): void;
}

export interface RunSweepOptions extends EngineOptions {
  /** The sweep directory: sweep.json and one run directory per trial. */
  dir: string;
  hooks?: SweepHooks;
  /** Aborting stops the running trial after its current batch (with a checkpoint); the next start resumes it. */
  signal?: AbortSignal;
  /** Where trials train (default: here, one after another); e.g. a queue of workers from @cnnlab/queue. */
  executor?: TrialExecutor;
}

const now = () => new Date().toISOString();

/** Spec fields that decide the trials and their outcome (name and description are labels). */
function identity(spec: SweepSpec): unknown {
  const { name: _n, description: _d, ...rest } = spec;
  return JSON.parse(canonicalJson(rest));
}

function newTrial(t: { index: number; name: string; params: Record<string, ParamValue> }, epochs: number, rung?: number): TrialRecord {
  return {
    index: t.index, name: t.name, dir: t.name, params: t.params, status: 'pending', epochsPlanned: epochs, epochsDone: 0,
    ...(rung !== undefined ? { rung } : {}),
    bestEpoch: null, bestValLoss: null, bestValAcc: null, value: null, history: [], modelParams: null, macs: null, resumes: 0,
  };
}

function fromHistory(trial: TrialRecord, history: readonly EpochMetrics[], metric: SweepSpec['metric']): void {
  trial.history = history.map((m) => ({ epoch: m.epoch, trainLoss: m.trainLoss, trainAcc: m.trainAcc, valLoss: m.valLoss, valAcc: m.valAcc }));
  trial.epochsDone = history.length;
  trial.value = bestOf(metricSeries(history, metric), metric);
  // The trainer's best epoch: lowest validation loss.
  let best: EpochMetrics | null = null;
  for (const m of history) if (!best || m.valLoss < best.valLoss) best = m;
  trial.bestEpoch = best?.epoch ?? null;
  trial.bestValLoss = best?.valLoss ?? null;
  trial.bestValAcc = best?.valAcc ?? null;
  trial.updatedAt = now();
}

function fromReport(trial: TrialRecord, report: RunReport, metric: SweepSpec['metric']): void {
  fromHistory(trial, report.history, metric);
  trial.modelParams = report.params.trainable;
  trial.macs = report.params.macs;
  trial.resumes = report.resumes;
}

/**
 * Runs (or continues) a hyper-parameter sweep in `dir`. Every trial is a
 * normal run directory (`<dir>/trial-003`, with its hparams in TensorBoard's
 * HParams plugin); `<dir>/sweep.json` holds the spec, the trial table and the
 * outcome. Trials run one after another in the spec's deterministic order; a
 * sweep killed at any moment and started again with the same spec continues
 * where it stopped (finished trials are kept, a half-finished one resumes from
 * its checkpoint). The best trial is chosen on validation metrics only; the
 * test split is evaluated once, for that trial, when the sweep is complete.
 */
export async function runSweep(input: SweepSpecInput | SweepSpec, options: RunSweepOptions): Promise<SweepState> {
  const dir = resolve(options.dir);
  const spec = validateSweepSpec(input, { defaultName: basename(dir) });
  const planned = planTrials(spec);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.sweep.lock');
  const release = lockFile(lock, (pid) => new Error(`Sweep ${dir} is in use by process ${pid} (${lock}); stop it first`));
  try {
    return await sweepLoop(spec, planned, dir, options);
  } finally {
    release();
  }
}

async function sweepLoop(spec: SweepSpec, planned: ReturnType<typeof planTrials>, dir: string, options: RunSweepOptions): Promise<SweepState> {
  const file = join(dir, SWEEP_FILE);
  const hooks = options.hooks ?? {};
  const log = (m: string) => hooks.log?.(m);
  const pruning = spec.pruning;
  const rungs = pruning?.rule === 'halving' ? halvingRungs(pruning) : undefined;
  let state: SweepState;
  if (existsSync(file)) {
    state = readSweep(dir);
    const diff = firstDifference(identity(state.spec), identity(spec));
    if (diff !== null) {
      throw new SweepSpecError(`${dir} holds a sweep with a different spec (it differs at "${diff}"). Continue it with its own spec `
        + `(saved in ${file}), or start this one in another directory (--dir).`);
    }
    if (state.status !== 'finished') log(`Continuing sweep ${state.name} in ${dir}: ${state.trials.filter((t) => ['finished', 'pruned', 'failed'].includes(t.status)).length} of ${state.trials.length} trials done.`);
  } else {
    state = {
      version: SWEEP_FORMAT_VERSION, kind: 'sweep', name: spec.name, status: 'running', createdAt: now(), updatedAt: now(), spec,
      ...(rungs ? { rungs } : {}),
      trials: planned.map((t) => newTrial(t, rungs ? rungs[0]! : resolveTrainConfig(trialOptions(spec, t.params)).epochs, rungs ? 0 : undefined)),
      best: null,
    };
  }
  const save = () => {
    state.updatedAt = now();
    writeJson(file, state);
  };
  /** Brings the seed groups' margin runs up to date (a group that did not change is not rewritten). */
  const writeSeedRuns = () => {
    const seedRuns = writeSweepSeedMargins(dir, state.trials);
    if (seedRuns.length || state.seedRuns) state.seedRuns = seedRuns;
  };
  if (state.status === 'finished' && state.best && (!spec.test || state.best.test)) {
    // A sweep finished before margin runs existed gets them now.
    const before = JSON.stringify(state.seedRuns);
    writeSeedRuns();
    if (JSON.stringify(state.seedRuns) !== before) save();
    return state;
  }
  state.status = 'running';
  delete state.message;
  save();

  const engine: EngineOptions = { ...(options.backend ? { backend: options.backend } : {}), ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) };
  const executor = options.executor ?? new LocalTrialExecutor(hooks, engine);
  const settled = (t: TrialRecord) => t.status === 'finished' || t.status === 'pruned' || t.status === 'failed';
  /** The median rule compares with the trials before this one that finished (as when trials run one after another). */
  const completedBefore = (trial: TrialRecord) => state.trials.filter((t) => t.index < trial.index && t.status === 'finished').map((t) => t.history.map((h) => h[spec.metric]));
  const decidable = (trial: TrialRecord) => state.trials.every((t) => t.index >= trial.index || settled(t));
  const medianOf = (epochs: number) => (pruning?.rule === 'median' ? { metric: spec.metric, warmup: pruning.warmup, minTrials: pruning.minTrials, epochs } : null);
  const byJob = new Map<string, TrialRecord>();
  const jobOf = (trial: TrialRecord, epochs: number): TrialJob => {
    const job = {
      id: rungs ? `${trial.name}@e${epochs}` : trial.name, name: trial.name, runDir: join(dir, trial.dir),
      options: trialOptions(spec, trial.params), epochs,
    };
    byJob.set(job.id, trial);
    trial.epochsPlanned = epochs;
    return job;
  };
  const markPruned = (trial: TrialRecord, d: MedianDecision) => {
    trial.status = 'pruned';
    trial.stopped = { rule: 'median', epoch: d.epoch, reason: d.reason };
    noteInReport(join(dir, trial.dir), `Stopped by sweep ${spec.name} after epoch ${d.epoch}: ${d.reason}.`);
    log(`${trial.name}: stopped after epoch ${d.epoch} (${d.reason})`);
  };
  /** The median rule replayed on what a trial recorded: its decisions do not depend on when or where it trained. */
  const replayMedian = (trial: TrialRecord, report: RunReport): boolean => {
    const median = medianOf(trial.epochsPlanned);
    if (!median) return false;
    const d = firstMedianStop(metricSeries(report.history, spec.metric), completedBefore(trial), median);
    if (!d) return false;
    fromReport(trial, report, spec.metric);
    trial.history = trial.history.slice(0, d.epoch);
    markPruned(trial, d);
    return true;
  };
  let interruptedTrial = false;
  const outcomes = new Map<TrialRecord, TrialOutcome>();
  /** Records a trial's outcome; with the median rule in trial order, so that every decision sees the trials before it. */
  const settle = (trial: TrialRecord, outcome: TrialOutcome) => {
    fromReport(trial, outcome.report, spec.metric);
    const status = outcome.report.status;
    if (outcome.error || status === 'failed') {
      trial.status = 'failed';
      trial.message = outcome.error ?? outcome.report.message ?? 'training failed';
      log(`${trial.name}: failed: ${trial.message}`);
    } else if (replayMedian(trial, outcome.report)) {
      // pruned
    } else if (status === 'interrupted' || status === 'running') {
      trial.status = 'interrupted';
      interruptedTrial = true;
      save();
      return;
    } else {
      trial.status = 'finished';
    }
    if (status === 'stopped-early') trial.message = outcome.report.message;
    writeSeedRuns();
    save();
    if (outcome.action !== 'skip' || trial.status !== 'finished') hooks.onTrialEnd?.(trial);
  };
  const handlers: TrialHandlers = {
    settledWithoutTraining: (job) => {
      const trial = byJob.get(job.id)!;
      if (!medianOf(job.epochs) || !decidable(trial) || !existsSync(join(job.runDir, 'report.json'))) return false;
      if (!replayMedian(trial, readReport(job.runDir))) return false;
      writeSeedRuns();
      save();
      hooks.onTrialEnd?.(trial);
      return true;
    },
    onStart: (job, info) => {
      const trial = byJob.get(job.id)!;
      trial.status = 'running';
      save();
      hooks.onTrialStart?.(trial, { total: state.trials.length, epochs: job.epochs, action: info.action });
    },
    onEpoch: (job, history) => {
      const trial = byJob.get(job.id)!;
      if (settled(trial)) return true;
      fromHistory(trial, history, spec.metric);
      trial.status = 'running';
      save();
      const median = medianOf(job.epochs);
      return !!median && decidable(trial) && medianRuleDecision(metricSeries(history, spec.metric), completedBefore(trial), median).stop;
    },
    onSettled: (job, outcome) => {
      const trial = byJob.get(job.id)!;
      if (!medianOf(job.epochs)) return settle(trial, outcome);
      outcomes.set(trial, outcome);
      for (const t of state.trials) {
        if (settled(t)) continue;
        const o = outcomes.get(t);
        if (!o) break;
        outcomes.delete(t);
        settle(t, o);
        if (interruptedTrial) break;
      }
    },
  };
  const runTrials = async (trials: TrialRecord[], epochs: (t: TrialRecord) => number): Promise<boolean> => {
    await executor.runAll(trials.map((t) => jobOf(t, epochs(t))), handlers, options.signal);
    return !interruptedTrial && trials.every(settled);
  };

  const interrupted = () => {
    state.status = 'interrupted';
    state.message = 'Interrupted: start the sweep again with the same spec and directory to continue.';
    save();
    return state;
  };

  if (!rungs) {
    if (!(await runTrials(state.trials.filter((t) => !settled(t)), (t) => t.epochsPlanned))) return interrupted();
  } else {
    const halving = pruning as Extract<SweepSpec['pruning'], { rule: 'halving' }>;
    for (let r = 0; r < rungs.length; r++) {
      const entrants = state.trials.filter((t) => (t.rung ?? 0) >= r);
      const todo = entrants.filter((t) => t.rung === r && t.status !== 'pruned' && t.status !== 'failed' && !(t.status === 'finished' && t.epochsDone >= rungs[r]!));
      if (!(await runTrials(todo, () => rungs[r]!))) return interrupted();
      if (r === rungs.length - 1) break;
      const candidates = entrants.map((t) => ({
        index: t.index,
        value: t.status === 'failed' ? null : bestOf(t.history.filter((h) => h.epoch <= rungs[r]!).map((h) => h[spec.metric]), spec.metric),
      }));
      const { promoted, stopped } = halvingPromotion(candidates, halving.eta, spec.metric);
      for (const trial of entrants) {
        if (promoted.includes(trial.index) && trial.rung === r) {
          trial.rung = r + 1;
          trial.status = 'pending';
          trial.epochsPlanned = rungs[r + 1]!;
        } else if (stopped.includes(trial.index) && trial.rung === r && trial.status === 'finished') {
          const reason = `successive halving: not among the best ${promoted.length} of ${entrants.length} after rung ${r + 1} (${rungs[r]} epochs)`;
          trial.status = 'pruned';
          trial.stopped = { rule: 'halving', epoch: rungs[r]!, reason };
          noteInReport(join(dir, trial.dir), `Stopped by sweep ${spec.name}: ${reason}.`);
        }
      }
      log(`Rung ${r + 1} (${rungs[r]} epochs): ${promoted.map((i) => state.trials[i]!.name).join(', ')} continue to ${rungs[r + 1]} epochs.`);
      save();
    }
  }

  writeSeedRuns();
  // Choose on validation metrics only; then measure the test split once, for the chosen trial.
  const best = rankTrials(state).find((t) => eligibleTrials(state).includes(t));
  if (!best) {
    state.status = 'failed';
    state.best = null;
    state.message = 'No trial finished: nothing to choose.';
    save();
    return state;
  }
  state.best = {
    trial: best.name, index: best.index, params: best.params, metric: spec.metric, value: best.value!,
    bestEpoch: best.bestEpoch, bestValLoss: best.bestValLoss, bestValAcc: best.bestValAcc,
  };
  log(`Best: ${best.name} (${describeParams(best.params)}): ${spec.metric} ${best.value!.toFixed(4)}`);
  if (spec.test) {
    const runDir = join(dir, best.dir);
    const previous = readReport(runDir).test;
    if (previous) {
      state.best.test = { loss: previous.loss, accuracy: previous.accuracy, epoch: previous.epoch, evaluatedAt: previous.evaluatedAt };
    } else {
      const r = await evaluateRun(runDir, { ...engine, log });
      state.best.test = { loss: r.loss, accuracy: r.accuracy, epoch: r.epoch, evaluatedAt: readReport(runDir).test?.evaluatedAt ?? now() };
    }
    log(`Test (evaluated once, ${best.name}): loss ${state.best.test.loss.toFixed(4)}, accuracy ${state.best.test.accuracy.toFixed(4)}`);
  }
  state.status = 'finished';
  save();
  return state;
}
