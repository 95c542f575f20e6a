import { eligibleTrials, rankTrials, type ParamValue, type SweepState, type TrialRecord } from '@cnnlab/search/records';
import type { HParamsColumn, ParamCell, SweepBest, SweepResponse, SweepSummary, SweepTrial, TrialStatus } from './types.js';

/** What makes a sweep.json usable here; null when it is, else what is wrong. */
export function sweepShapeError(state: SweepState): string | null {
  if (!state.spec || typeof state.spec !== 'object') return 'it has no spec';
  if (!state.spec.parameters || typeof state.spec.parameters !== 'object') return 'its spec has no parameters';
  if (!Array.isArray(state.trials)) return 'it has no trial table';
  const bad = state.trials.find((t) => !t || typeof t.name !== 'string' || typeof t.status !== 'string' || !t.params || typeof t.params !== 'object');
  if (bad) return `a trial lacks its name, status or parameters (${JSON.stringify(bad).slice(0, 80)})`;
  return null;
}

/** A parameter value as a table cell: lists and objects as JSON. */
export function cell(v: ParamValue | undefined): ParamCell {
  if (v === undefined || v === null) return null;
  return typeof v === 'object' ? JSON.stringify(v) : v;
}

const cells = (params: Record<string, ParamValue>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, cell(v)]));

/** The run name of a directory inside a study directory (`name` is relative to the logdir, '.' for the logdir). */
export const runName = (study: string, dir: string) => (study === '.' ? dir : `${study}/${dir}`);

function pruningOf(state: SweepState): string | null {
  const p = state.spec.pruning;
  if (!p) return null;
  if (p.rule === 'median') return `median rule after ${p.warmup} warm-up epoch${p.warmup === 1 ? '' : 's'}`;
  return `successive halving η=${p.eta} over rungs of ${(state.rungs ?? []).join(', ')} epochs`;
}

function bestOf(state: SweepState): SweepBest | null {
  const b = state.best;
  if (!b) return null;
  return {
    trial: b.trial, params: cells(b.params), metric: b.metric, value: b.value, bestEpoch: b.bestEpoch, bestValLoss: b.bestValLoss, bestValAcc: b.bestValAcc,
    test: b.test ? { loss: b.test.loss, accuracy: b.test.accuracy, epoch: b.test.epoch, evaluatedAt: b.test.evaluatedAt } : null,
  };
}

/** A line of GET /api/sweeps. */
export function sweepSummary(name: string, state: SweepState): SweepSummary {
  const byStatus: Partial<Record<TrialStatus, number>> = {};
  for (const t of state.trials) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  const best = bestOf(state);
  return {
    name, title: state.name ?? null, status: state.status ?? null, method: state.spec.method ?? null, metric: state.spec.metric ?? null,
    pruning: pruningOf(state), trials: state.trials.length, byStatus, best, testAccuracy: best?.test?.accuracy ?? null, updatedAt: state.updatedAt ?? null,
  };
}

function columnsOf(paths: string[], trials: TrialRecord[]): HParamsColumn[] {
  return paths.map((path) => {
    const values = [...new Set(trials.map((t) => cell(t.params[path])).filter((v): v is Exclude<ParamCell, null> => v !== null))];
    const type = values.every((v) => typeof v === 'number') ? 'number' : values.every((v) => typeof v === 'boolean') ? 'boolean' : 'string';
    values.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true })));
    return { name: path, type, values };
  });
}

/** GET /api/sweeps/:sweep: the trials ranked by the sweep's metric (rankTrials), with their parameters, metrics, status and pruning. */
export function sweepDetail(name: string, state: SweepState, warnings: string[] = []): SweepResponse {
  const eligible = new Set(eligibleTrials(state).map((t) => t.name));
  const halving = Array.isArray(state.rungs);
  let rank = 0;
  const trials = rankTrials(state).map((t): SweepTrial => ({
    rank: eligible.has(t.name) ? ++rank : null,
    name: t.name,
    run: runName(name, t.dir ?? t.name),
    params: cells(t.params),
    status: t.status,
    epochsDone: t.epochsDone ?? 0,
    epochsPlanned: t.epochsPlanned ?? 0,
    rung: halving ? (t.rung ?? 0) : null,
    promoted: halving && (t.rung ?? 0) > 0,
    bestEpoch: t.bestEpoch ?? null,
    bestValLoss: t.bestValLoss ?? null,
    bestValAcc: t.bestValAcc ?? null,
    value: t.value ?? null,
    modelParams: t.modelParams ?? null,
    macs: t.macs ?? null,
    stopped: t.stopped ?? null,
    message: t.message ?? null,
    best: state.best?.trial === t.name,
  }));
  const { error: _error, trials: _count, ...summary } = sweepSummary(name, state);
  return {
    ...summary,
    description: state.spec.description ?? null,
    seed: state.spec.method === 'random' ? (state.spec.seed ?? null) : null,
    rungs: state.rungs ?? null,
    testPlanned: state.spec.test !== false,
    parameters: columnsOf(Object.keys(state.spec.parameters), state.trials),
    trials,
    message: state.message ?? null,
    warnings,
  };
}
