import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ANYNET_SPACES, designSpace, mulberry32, sampleAnyNet,
  type AnyNetConfig, type AnyNetSpaceName, type DesignConstraints, type DesignRanges,
} from '@cnnlab/arch-regnet';
import { SummaryWriter } from '@cnnlab/tfevents';
import type { InputShape } from '@cnnlab/core';
import { lockFile, type TrainHooks, type TrainOptions } from '@cnnlab/trainer';
import { LocalTrialExecutor, type TrialExecutor, type TrialJob } from './executor.js';
import { writeJson } from '@cnnlab/trainer/records';
import { type EngineOptions } from './runner.js';
import {
  readSearch, SEARCH_FILE, SEARCH_FORMAT_VERSION, summarizeSpaces,
  type ResolvedSearchOptions, type SearchModel, type SearchState, type SpaceSummary,
} from './search-state.js';
import { canonicalJson, firstDifference, SweepSpecError } from './spec.js';

/** The architecture that builds any AnyNet configuration passed as its options. */
export const ANYNET_ARCH = 'regnetx32-d2l';

/** A design space to sample: a named one (AnyNetX_A … AnyNetX_E) or constraints of your own. */
export type SpaceChoice = AnyNetSpaceName | 'unconstrained' | 'constrained' | { name: string; description?: string; constraints: Partial<DesignConstraints> };

/**
 * Ranges small enough for a CPU: stages of 1–2 blocks, widths 16–48, group
 * widths 4–16 (few groups: grouped convolutions cost one convolution per group here).
 */
export const SMALL_RANGES: DesignRanges = {
  depth: [1, 2],
  width: [16, 48],
  widthQuantum: 8,
  groupWidth: [4, 8, 16],
  bottleneckRatio: [1, 0.5, 0.25],
};

export interface DesignSpaceSearchOptions extends EngineOptions {
  /** Output directory: search.json, one run per model under <dir>/<space>/model-007, EDF runs <dir>/edf-<space>. */
  dir: string;
  /** Spaces to compare (default AnyNetX_A vs AnyNetX_E: unconstrained vs shared bottleneck ratio and group width, non-decreasing widths and depths). */
  spaces?: SpaceChoice[];
  /** Models sampled from each space (default 8). */
  samplesPerSpace?: number;
  /** Epochs each model trains (default 1). */
  epochs?: number;
  /** Model input, reduced (default 1x28x28: Fashion-MNIST's own size). */
  input?: InputShape;
  /** Images used (a stratified subset of Fashion-MNIST; default 2000). */
  datasetLimit?: number;
  /** Stages of every sampled network (default 3). */
  stages?: number;
  /** Stem channels (default 16). */
  stemChannels?: number;
  /** Ranges of depth, width, group width and bottleneck ratio (default SMALL_RANGES; the paper's are ANYNET_RANGES). */
  ranges?: Partial<DesignRanges>;
  /** Seed of the sampling and of every model's training (default 0). */
  seed?: number;
  /** Default 32. */
  batchSize?: number;
  /** Default 0.05 (SGD with momentum 0.9). */
  lr?: number;
  optimizer?: TrainOptions['optimizer'];
  /** Any other training options (dataset, split, schedule, …) for every model. */
  train?: Partial<TrainOptions>;
  /** EDF grid step in per mille (default 10: every percentage point of error). */
  edfStep?: number;
  hooks?: DesignSpaceHooks;
  signal?: AbortSignal;
  /** Where models train (default: here, one after another); e.g. a queue of workers from @cnnlab/queue. */
  executor?: TrialExecutor;
}

export interface DesignSpaceHooks extends Omit<TrainHooks, 'signal'> {
  onModelStart?(model: SearchModel, info: { total: number; position: number; action: 'train' | 'resume' }): void;
  onModelEnd?(model: SearchModel): void;
}

/** The options a search ran with (saved in search.json; a restart must match them). */
const now = () => new Date().toISOString();

/** 1 − accuracy, rounded to 10 decimals (so 1 − 0.665 reads 0.335, not 0.33499999999999996). */
export const errorOf = (accuracy: number) => Math.round((1 - accuracy) * 1e10) / 1e10;

const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function resolveSpace(s: SpaceChoice): ResolvedSearchOptions['spaces'][number] {
  if (typeof s === 'string') {
    const name = s === 'unconstrained' ? 'AnyNetX_A' : s === 'constrained' ? 'AnyNetX_E' : s;
    const space = ANYNET_SPACES[name as AnyNetSpaceName];
    if (!space) throw new SweepSpecError(`spaces: unknown design space "${s}": use ${Object.keys(ANYNET_SPACES).join(', ')}, unconstrained, constrained, or {name, constraints}`);
    return { name: space.name, description: space.description, constraints: { ...space.constraints } };
  }
  if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || !/^[\w.-]+$/.test(s.name)) {
    throw new SweepSpecError(`spaces: a custom space needs a name of letters, digits, '.', '-' or '_', got ${JSON.stringify(s)}`);
  }
  const known = ['sharedBottleneck', 'sharedGroupWidth', 'increasingWidths', 'increasingDepths'];
  for (const k of Object.keys(s.constraints ?? {})) {
    if (!known.includes(k)) throw new SweepSpecError(`spaces["${s.name}"].constraints: unknown constraint "${k}" (${known.join(', ')})`);
  }
  return { name: s.name, description: s.description ?? `custom space ${s.name}`, constraints: { ...ANYNET_SPACES.AnyNetX_A.constraints, ...s.constraints } };
}

/** Checks the options and fills the defaults. */
export function resolveSearchOptions(o: Omit<DesignSpaceSearchOptions, 'dir'>): ResolvedSearchOptions {
  const spaces = (o.spaces ?? ['AnyNetX_A', 'AnyNetX_E']).map(resolveSpace);
  if (spaces.length === 0) throw new SweepSpecError('spaces is empty: name at least one design space');
  const names = spaces.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new SweepSpecError(`spaces: "${dup}" is listed twice`);
  const check = (name: string, v: unknown, min = 1) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new SweepSpecError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const samplesPerSpace = check('samplesPerSpace', o.samplesPerSpace ?? 8);
  const epochs = check('epochs', o.epochs ?? 1);
  const datasetLimit = check('datasetLimit', o.datasetLimit ?? 2000, 10);
  const stages = check('stages', o.stages ?? 3);
  const stemChannels = check('stemChannels', o.stemChannels ?? 16);
  const seed = check('seed', o.seed ?? 0, 0);
  const edfStep = check('edfStep', o.edfStep ?? 10);
  if (edfStep > 1000) throw new SweepSpecError(`edfStep must be at most 1000 per mille, got ${edfStep}`);
  const input = [...(o.input ?? [1, 28, 28])] as [number, number, number];
  if (input.length !== 3 || !input.every(isPositiveInteger)) throw new SweepSpecError(`input must be channels,height,width positive integers, got ${JSON.stringify(o.input)}`);
  const ranges: DesignRanges = { ...SMALL_RANGES, ...o.ranges };
  const pair = (name: string, r: unknown) => {
    if (!Array.isArray(r) || r.length !== 2 || !r.every(isPositiveInteger)) throw new SweepSpecError(`ranges.${name} must be [min, max] positive integers, got ${JSON.stringify(r)}`);
    if (r[0] > r[1]) throw new SweepSpecError(`ranges.${name}: min ${r[0]} is greater than max ${r[1]}`);
  };
  pair('depth', ranges.depth);
  pair('width', ranges.width);
  check('ranges.widthQuantum', ranges.widthQuantum);
  if (!Array.isArray(ranges.groupWidth) || ranges.groupWidth.length === 0 || !ranges.groupWidth.every(isPositiveInteger)) {
    throw new SweepSpecError(`ranges.groupWidth must be a non-empty list of positive integers, got ${JSON.stringify(ranges.groupWidth)}`);
  }
  if (!Array.isArray(ranges.bottleneckRatio) || ranges.bottleneckRatio.length === 0 || !ranges.bottleneckRatio.every((r) => typeof r === 'number' && r > 0 && r <= 1)) {
    throw new SweepSpecError(`ranges.bottleneckRatio must be a non-empty list of numbers in (0, 1], got ${JSON.stringify(ranges.bottleneckRatio)}`);
  }
  const train: TrainOptions = {
    arch: ANYNET_ARCH,
    ...o.train,
    input,
    epochs,
    seed,
    batchSize: o.batchSize ?? o.train?.batchSize ?? 32,
    lr: o.lr ?? o.train?.lr ?? 0.05,
    optimizer: o.optimizer ?? o.train?.optimizer ?? { name: 'sgd', momentum: 0.9 },
    dataset: { name: 'fashion-mnist', ...o.train?.dataset, limit: datasetLimit },
    earlyStopping: { restoreBest: false, ...o.train?.earlyStopping },
    logEveryBatches: o.train?.logEveryBatches ?? 0,
  };
  return { spaces, samplesPerSpace, epochs, input, datasetLimit, stages, stemChannels, ranges: { ...ranges, depth: [...ranges.depth], width: [...ranges.width], groupWidth: [...ranges.groupWidth], bottleneckRatio: [...ranges.bottleneckRatio] } as DesignRanges, seed, edfStep, train };
}

/** A 32-bit seed per (seed, space name), so that adding a space leaves the others' samples unchanged. */
export function spaceSeed(seed: number, space: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const c of space) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ seed) >>> 0;
}

/** The models of a search, sampled with the regnet package's sampler (seeded per space). */
export function sampleModels(o: ResolvedSearchOptions): SearchModel[] {
  const models: SearchModel[] = [];
  const pad = Math.max(3, String(o.samplesPerSpace - 1).length);
  for (const s of o.spaces) {
    const rng = mulberry32(spaceSeed(o.seed, s.name));
    const space = designSpace({ space: { name: s.name, description: s.description, stages: o.stages, stemChannels: o.stemChannels, constraints: s.constraints, ranges: o.ranges } });
    for (let i = 0; i < o.samplesPerSpace; i++) {
      let config: AnyNetConfig;
      try {
        config = sampleAnyNet(rng, { space });
      } catch (error) {
        throw new SweepSpecError(`ranges: ${(error as Error).message}`);
      }
      const name = `model-${String(i).padStart(pad, '0')}`;
      models.push({
        space: s.name, index: i, name, runDir: `${s.name}/${name}`, config: JSON.parse(JSON.stringify(config)) as AnyNetConfig, status: 'pending',
        params: null, macs: null, valError: null, valLoss: null, valAcc: null, bestEpoch: null, epochs: o.epochs,
      });
    }
  }
  return models;
}

/** Writes each space's EDF as TensorBoard scalars (tags edf/<space> and edf/compare, step = threshold in per mille), replacing earlier ones. */
export function writeEdfEvents(dir: string, spaces: readonly SpaceSummary[]): SearchState['edfRuns'] {
  return spaces.map((s) => {
    const runDir = join(dir, `edf-${s.name}`);
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { recursive: true });
    const writer = new SummaryWriter(runDir);
    const tags = [`edf/${s.name}`, 'edf/compare'];
    for (const p of s.edf) writer.scalars({ [tags[0]!]: p.fraction, [tags[1]!]: p.fraction }, p.perMille);
    writer.text('edf/about', `EDF of validation error for ${s.name} (${s.finished} models): fraction of models with error below step/1000. ${s.description}.`, 0);
    // Says the run is complete, so readers (the dashboard) do not take a fresh file for a run in progress.
    writer.sessionEnd('success');
    writer.close();
    return { space: s.name, dir: `edf-${s.name}`, tags };
  });
}

/**
 * The design-space comparison of d2l 8.8 (Radosavovic et al.): sample
 * `samplesPerSpace` networks from each AnyNet design space (seeded), train each
 * briefly on Fashion-MNIST as a normal run directory, and compare the spaces by
 * the empirical distribution function of validation error. Interrupt-safe: a
 * search killed and started again with the same options continues (finished
 * models are kept, a half-trained one resumes from its checkpoint).
 */
export async function runDesignSpaceSearch(o: DesignSpaceSearchOptions): Promise<SearchState> {
  const dir = resolve(o.dir);
  const options = resolveSearchOptions(o);
  const file = join(dir, SEARCH_FILE);
  const hooks = o.hooks ?? {};
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.search.lock');
  const release = lockFile(lock, (pid) => new Error(`Search ${dir} is in use by process ${pid} (${lock}); stop it first`));
  try {
    let state: SearchState;
    if (existsSync(file)) {
      state = readSearch(dir);
      const diff = firstDifference(JSON.parse(canonicalJson(state.options)), JSON.parse(canonicalJson(options)));
      if (diff !== null) {
        throw new SweepSpecError(`${dir} holds a search with different options (they differ at "${diff}"). Continue it with the same options, or use another directory (--dir).`);
      }
    } else {
      state = {
        version: SEARCH_FORMAT_VERSION, kind: 'design-space-search', status: 'running', createdAt: now(), updatedAt: now(), options,
        models: sampleModels(options), spaces: [], comparison: { dominant: null, pairs: [] }, edfRuns: [],
      };
    }
    const save = () => {
      Object.assign(state, summarizeSpaces(options, state.models));
      state.updatedAt = now();
      writeJson(file, state);
    };
    if (state.status === 'finished') return state;
    state.status = 'running';
    delete state.message;
    save();
    const engine: EngineOptions = { ...(o.backend ? { backend: o.backend } : {}), ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}) };
    const executor = o.executor ?? new LocalTrialExecutor(hooks, engine);
    // Interleave the spaces (model 0 of each, then model 1, …) so that a stopped search still compares them.
    const order = [...state.models].sort((a, b) => a.index - b.index || options.spaces.findIndex((s) => s.name === a.space) - options.spaces.findIndex((s) => s.name === b.space));
    const byJob = new Map<string, SearchModel>();
    const jobs: TrialJob[] = order.filter((m) => m.status !== 'finished' && m.status !== 'failed').map((m) => {
      byJob.set(m.runDir, m);
      return { id: m.runDir, name: m.runDir, runDir: join(dir, m.runDir), epochs: options.epochs, options: { ...options.train, archOptions: { stemChannels: m.config.stemChannels, stages: m.config.stages } } };
    });
    let interrupted = false;
    await executor.runAll(jobs, {
      onStart: (job, info) => {
        const model = byJob.get(job.id)!;
        model.status = 'running';
        save();
        hooks.onModelStart?.(model, { total: order.length, position: order.indexOf(model), action: info.action });
      },
      onSettled: (job, outcome) => {
        const model = byJob.get(job.id)!;
        const r = outcome.report;
        model.params = r.params.trainable;
        model.macs = r.params.macs;
        model.bestEpoch = r.bestEpoch;
        model.valLoss = r.bestValLoss;
        model.valAcc = r.bestValAcc;
        model.valError = r.bestValAcc === null ? null : errorOf(r.bestValAcc);
        if (outcome.error || r.status === 'failed') {
          model.status = 'failed';
          model.message = outcome.error ?? r.message ?? 'training failed';
        } else if (r.status === 'interrupted' || r.status === 'running') {
          model.status = 'interrupted';
          interrupted = true;
        } else {
          model.status = 'finished';
        }
        save();
        if (model.status !== 'interrupted') hooks.onModelEnd?.(model);
      },
    }, o.signal);
    if (interrupted || state.models.some((m) => m.status !== 'finished' && m.status !== 'failed')) return interrupt(state, save);
    state.status = 'finished';
    Object.assign(state, summarizeSpaces(options, state.models));
    state.edfRuns = writeEdfEvents(dir, state.spaces);
    save();
    return state;
  } finally {
    release();
  }
}

function interrupt(state: SearchState, save: () => void): SearchState {
  state.status = 'interrupted';
  state.message = 'Interrupted: run the same search command again to continue.';
  save();
  return state;
}
