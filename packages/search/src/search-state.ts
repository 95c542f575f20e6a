import { join, resolve } from 'node:path';
import type { AnyNetConfig, DesignConstraints, DesignRanges } from '@cnnlab/arch-regnet';
import type { TrainOptions } from '@cnnlab/trainer';
import { compareEdfs, dominantSpace, edfCurve, edfSteps, summaryStats, type EdfPoint, type EdfRelation } from './edf.js';
import { readJson } from '@cnnlab/trainer/records';

/* search.json as readers see it: its shape, reading it and the per-space summary (no training code, for the dashboard). */

export const SEARCH_FILE = 'search.json';
export const SEARCH_FORMAT_VERSION = 1;

export interface ResolvedSearchOptions {
  spaces: { name: string; description: string; constraints: DesignConstraints }[];
  samplesPerSpace: number;
  epochs: number;
  input: [number, number, number];
  datasetLimit: number;
  stages: number;
  stemChannels: number;
  ranges: DesignRanges;
  seed: number;
  edfStep: number;
  /** The training options every model shares (arch and archOptions are per model). */
  train: TrainOptions;
}

export type SearchModelStatus = 'pending' | 'running' | 'finished' | 'failed' | 'interrupted';

export interface SearchModel {
  space: string;
  /** 0-based index within its space. */
  index: number;
  /** "model-007" */
  name: string;
  /** Run directory relative to the search directory: "<space>/model-007". */
  runDir: string;
  /** The sampled network: stem channels and per stage depth, width, group width, bottleneck ratio. */
  config: AnyNetConfig;
  status: SearchModelStatus;
  /** Trainable parameters and multiply-adds per image (core's summarize), known once its run started. */
  params: number | null;
  macs: number | null;
  /** 1 − validation accuracy at the best epoch (lowest validation loss). */
  valError: number | null;
  valLoss: number | null;
  valAcc: number | null;
  bestEpoch: number | null;
  epochs: number;
  message?: string;
}

export interface SpaceSummary {
  name: string;
  description: string;
  constraints: DesignConstraints;
  /** Models sampled / finished / failed. */
  sampled: number;
  finished: number;
  failed: number;
  /** Validation errors of the finished models, ascending. */
  errors: number[];
  stats: { min: number; median: number; mean: number; max: number } | null;
  /** F(e) on the grid 0, edfStep, … 1000 per mille. */
  edf: EdfPoint[];
  /** The exact step function: F just above each distinct error. */
  steps: { error: number; fraction: number }[];
  params: { min: number; median: number; mean: number; max: number } | null;
  macs: { min: number; median: number; mean: number; max: number } | null;
}

export interface SearchState {
  version: number;
  kind: 'design-space-search';
  status: 'running' | 'interrupted' | 'finished';
  createdAt: string;
  updatedAt: string;
  options: ResolvedSearchOptions;
  models: SearchModel[];
  spaces: SpaceSummary[];
  comparison: {
    /** The space whose EDF dominates all others, or null (curves cross, or too few models). */
    dominant: string | null;
    pairs: { a: string; b: string; relation: EdfRelation }[];
  };
  /** TensorBoard runs holding the EDF curves (step = error threshold in per mille). */
  edfRuns: { space: string; dir: string; tags: string[] }[];
  message?: string;
}

/** Per-space errors, statistics and EDFs, and which space's EDF dominates. */
export function summarizeSpaces(options: ResolvedSearchOptions, models: readonly SearchModel[]): Pick<SearchState, 'spaces' | 'comparison'> {
  const spaces = options.spaces.map((s): SpaceSummary => {
    const mine = models.filter((m) => m.space === s.name);
    const done = mine.filter((m) => m.status === 'finished' && m.valError !== null);
    const errors = done.map((m) => m.valError!).sort((a, b) => a - b);
    return {
      name: s.name, description: s.description, constraints: s.constraints,
      sampled: mine.length, finished: done.length, failed: mine.filter((m) => m.status === 'failed').length,
      errors, stats: summaryStats(errors), edf: edfCurve(errors, options.edfStep), steps: edfSteps(errors),
      params: summaryStats(done.map((m) => m.params!)), macs: summaryStats(done.map((m) => m.macs!)),
    };
  });
  const pairs: SearchState['comparison']['pairs'] = [];
  for (let i = 0; i < spaces.length; i++) {
    for (let j = i + 1; j < spaces.length; j++) pairs.push({ a: spaces[i]!.name, b: spaces[j]!.name, relation: compareEdfs(spaces[i]!.errors, spaces[j]!.errors) });
  }
  return { spaces, comparison: { dominant: dominantSpace(spaces), pairs } };
}

export function readSearch(dir: string): SearchState {
  const state = readJson<SearchState>(join(resolve(dir), SEARCH_FILE), 'Search state');
  if (state.kind !== 'design-space-search') throw new Error(`${join(dir, SEARCH_FILE)} is not a design-space search (kind ${JSON.stringify(state.kind)})`);
  return state;
}
