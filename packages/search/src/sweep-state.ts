import { join, resolve } from 'node:path';
import { readJson } from '@cnnlab/trainer/records';
import { isBetter } from './pruning.js';
import type { SeedRun } from './seed-margins/index.js';
import type { ParamValue, SweepSpec } from './spec.js';

/* sweep.json as readers see it: its shape, reading it and ranking its trials (no training code, for the dashboard). */

export const SWEEP_FILE = 'sweep.json';
export const SWEEP_FORMAT_VERSION = 1;

/**
 * pending: not started; running: training (or killed while training);
 * finished: trained to its planned epochs (or stopped by its own early stopping);
 * pruned: stopped by the sweep's median rule or not promoted by successive halving;
 * failed: training failed (e.g. the loss diverged); interrupted: Ctrl-C, resumed by the next start.
 */
export type TrialStatus = 'pending' | 'running' | 'finished' | 'pruned' | 'failed' | 'interrupted';

export interface TrialRecord {
  index: number;
  /** Run-directory name, e.g. "trial-003". */
  name: string;
  /** Run directory relative to the sweep directory. */
  dir: string;
  /** The values of the sweep's parameters (dotted paths). */
  params: Record<string, ParamValue>;
  status: TrialStatus;
  /** Epochs the trial is to train (with successive halving: its current rung's). */
  epochsPlanned: number;
  epochsDone: number;
  /** Successive halving: the rung (0-based) the trial reached. */
  rung?: number;
  bestEpoch: number | null;
  bestValLoss: number | null;
  bestValAcc: number | null;
  /** Best value of the sweep's metric (what trials are ranked by; validation only). */
  value: number | null;
  history: { epoch: number; trainLoss: number; trainAcc: number; valLoss: number; valAcc: number }[];
  /** Trainable parameters and multiply-adds of the trial's model. */
  modelParams: number | null;
  macs: number | null;
  resumes: number;
  stopped?: { rule: 'median' | 'halving'; epoch: number; reason: string };
  message?: string;
  updatedAt?: string;
}

export type SweepStatus = 'running' | 'interrupted' | 'finished' | 'failed';

/** sweep.json: the spec, the trial table and the outcome. Rewritten atomically after every change. */
export interface SweepState {
  version: number;
  kind: 'sweep';
  name: string;
  status: SweepStatus;
  createdAt: string;
  updatedAt: string;
  spec: SweepSpec;
  /** Successive halving: epochs of each rung. */
  rungs?: number[];
  trials: TrialRecord[];
  best: {
    trial: string;
    index: number;
    params: Record<string, ParamValue>;
    metric: SweepSpec['metric'];
    value: number;
    bestEpoch: number | null;
    bestValLoss: number | null;
    bestValAcc: number | null;
    /** The test split, measured once for this trial only after the sweep completed. */
    test?: { loss: number; accuracy: number; epoch: number; evaluatedAt: string };
  } | null;
  /** Where `seed` is swept: one margin run (mean ± sd per epoch) per group of trials that differ only by it. */
  seedRuns?: SeedRun[];
  message?: string;
}

/** Reads a sweep directory's sweep.json. */
export function readSweep(dir: string): SweepState {
  const state = readJson<SweepState>(join(resolve(dir), SWEEP_FILE), 'Sweep state');
  if (state.kind !== 'sweep') throw new Error(`${join(dir, SWEEP_FILE)} is not a sweep (kind ${JSON.stringify(state.kind)})`);
  return state;
}

/** Trials that may be chosen: trained to the end (with successive halving: to the last rung). */
export function eligibleTrials(state: SweepState): TrialRecord[] {
  const last = state.rungs ? state.rungs.length - 1 : undefined;
  return state.trials.filter((t) => t.status === 'finished' && t.value !== null && (last === undefined || t.rung === last));
}

/** Trials ranked by the metric: eligible ones first (best first), then the others with a value, then those without. */
export function rankTrials(state: SweepState): TrialRecord[] {
  const metric = state.spec.metric;
  const eligible = new Set(eligibleTrials(state));
  const order = (a: TrialRecord, b: TrialRecord) => {
    const ea = eligible.has(a), eb = eligible.has(b);
    if (ea !== eb) return ea ? -1 : 1;
    if ((a.value === null) !== (b.value === null)) return a.value === null ? 1 : -1;
    if (a.value !== null && b.value !== null && a.value !== b.value) return isBetter(metric, a.value, b.value) ? -1 : 1;
    return a.index - b.index;
  };
  return [...state.trials].sort(order);
}
