import { summarizeSpaces, type SearchState } from '@cnnlab/search/records';
import { runName } from './sweeps.js';
import type { SearchModelRow, SearchResponse, SearchSummary } from './types.js';

/** What makes a search.json usable here; null when it is, else what is wrong. */
export function searchShapeError(state: SearchState): string | null {
  const o = state.options;
  if (!o || typeof o !== 'object' || !Array.isArray(o.spaces)) return 'it has no options naming the design spaces';
  if (o.spaces.some((s) => !s || typeof s.name !== 'string')) return 'a design space has no name';
  if (!Array.isArray(state.models)) return 'it has no model list';
  const bad = state.models.find((m) => !m || typeof m.space !== 'string' || typeof m.name !== 'string' || typeof m.runDir !== 'string' || !Array.isArray(m.config?.stages));
  if (bad) return `a model lacks its space, name, run directory or configuration (${JSON.stringify(bad).slice(0, 80)})`;
  return null;
}

/**
 * Per space the sorted errors, statistics and EDF, and which space dominates: recomputed from the models with
 * the search package's own summarizeSpaces (edfCurve, edfSteps, compareEdfs, dominantSpace), so a search still
 * running is shown as it stands.
 */
function summarize(state: SearchState) {
  return summarizeSpaces({ ...state.options, edfStep: state.options.edfStep ?? 10 }, state.models);
}

/** A line of GET /api/searches. */
export function searchSummary(name: string, state: SearchState): SearchSummary {
  const { spaces, comparison } = summarize(state);
  const o = state.options;
  return {
    name,
    status: state.status ?? null,
    spaces: spaces.map((s) => ({ name: s.name, sampled: s.sampled, finished: s.finished, medianError: s.stats?.median ?? null })),
    samplesPerSpace: o.samplesPerSpace ?? null,
    epochs: o.epochs ?? null,
    input: o.input ?? null,
    datasetLimit: o.datasetLimit ?? null,
    models: state.models.length,
    finished: spaces.reduce((n, s) => n + s.finished, 0),
    dominant: comparison.dominant,
    updatedAt: state.updatedAt ?? null,
  };
}

/** GET /api/searches/:search: per space errors, statistics and EDF; the comparison; per model space, config, parameters, MACs and error. */
export function searchDetail(name: string, state: SearchState, warnings: string[] = []): SearchResponse {
  const { spaces, comparison } = summarize(state);
  const o = state.options;
  const models = state.models.map((m): SearchModelRow => ({
    space: m.space, index: m.index, name: m.name, run: runName(name, m.runDir), status: m.status,
    params: m.params ?? null, macs: m.macs ?? null, valError: m.valError ?? null, valAcc: m.valAcc ?? null, valLoss: m.valLoss ?? null,
    bestEpoch: m.bestEpoch ?? null, epochs: m.epochs,
    config: { stemChannels: m.config.stemChannels, stages: m.config.stages.map((s) => ({ depth: s.depth, width: s.width, groupWidth: s.groupWidth, bottleneckRatio: s.bottleneckRatio })) },
    message: m.message ?? null,
  }));
  return {
    name,
    status: state.status,
    options: {
      samplesPerSpace: o.samplesPerSpace, epochs: o.epochs, input: [...o.input], datasetLimit: o.datasetLimit, stages: o.stages, seed: o.seed,
      edfStep: o.edfStep ?? 10,
      ranges: { depth: [...o.ranges.depth], width: [...o.ranges.width], groupWidth: [...o.ranges.groupWidth], bottleneckRatio: [...o.ranges.bottleneckRatio] },
    },
    spaces: spaces.map((s) => ({ ...s, constraints: { ...s.constraints } })),
    comparison,
    models,
    updatedAt: state.updatedAt,
    message: state.message ?? null,
    warnings,
  };
}
