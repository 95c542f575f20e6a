/**
 * Shapes of the dashboard's JSON API. Types only (no runtime code): the browser bundle imports them too,
 * so everything here is a type, and other packages are imported with `import type` only.
 */
import type { ComparisonRow, EpochMetrics, FitDiagnosis } from '@cnnlab/analysis';
import type { LayerRow } from '@cnnlab/core';

/** The analysis and core shapes the API returns as JSON. */
export type { EpochMetrics, FitDiagnosis, LayerRow };
export type ComplexityRow = ComparisonRow;

/** 'lr-find': a `cnnlab lr-find` result (a loss-vs-learning-rate curve, no epochs or verdict). */
export type RunKind = 'cnnlab' | 'tensorboard' | 'lr-find';

/** cnnlab's run statuses, plus 'unknown' for TensorBoard runs of other tools without a session end. */
export type RunStatus = 'running' | 'finished' | 'stopped-early' | 'interrupted' | 'failed' | 'pruned' | 'unknown';

/** The statistic `imagesPerSecond` is, everywhere in the API and in `cnnlab runs`. */
export type ImagesPerSecondStatistic = 'median of epochs';

export interface ScalarPoint {
  step: number;
  /** Seconds since the epoch. */
  wallTime: number;
  /** null where the logged value was NaN or ±Infinity (JSON has no such numbers). */
  value: number | null;
}

/** The tags playing the four roles of a training curve, when they could be identified. */
export interface CurveRoles {
  trainLoss?: string;
  valLoss?: string;
  trainAcc?: string;
  valAcc?: string;
}

export interface RunSummary {
  /** Path relative to the logdir with '/' separators; '.' for the logdir itself. */
  name: string;
  kind: RunKind;
  arch: string | null;
  status: RunStatus;
  /** Why a run failed or was found interrupted. */
  statusMessage?: string;
  /** Completed epochs (cnnlab), or epochs found in the validation series. */
  epochs: number | null;
  epochsPlanned: number | null;
  bestEpoch: number | null;
  bestValAcc: number | null;
  bestValLoss: number | null;
  testAcc: number | null;
  /** How a cnnlab run split its data: seeded (70/20/10 by default), official (the data set's own test set) or folders (train/ val/ test/); null for other tools' runs. */
  split: 'seeded' | 'official' | 'folders' | null;
  /** Trainable parameters. */
  params: number | null;
  /** Training throughput: the median over epochs of each epoch's images/s (`imagesPerSecondStatistic`). */
  imagesPerSecond: number | null;
  imagesPerSecondStatistic?: ImagesPerSecondStatistic;
  /** ISO time the run started (report), or of its first event. */
  startedAt: string | null;
  /** Scalar tags found in the event files, sorted. */
  tags: string[];
  /** Largest step of any scalar. */
  lastStep: number | null;
  /** Wall time (seconds since the epoch) of the newest event. */
  lastWallTime: number | null;
  eventFiles: number;
  /** Opaque: pass as `since` to the scalars endpoint to get only what is new. */
  cursor: string;
  roles: CurveRoles;
  warnings: string[];
  /** @cnnlab/analysis's fit diagnosis with the run's own settings (as on its Curves card); null without one. */
  fit: { status: FitDiagnosis['status']; verdict: string; provisional: boolean } | null;
  /** Equal for runs whose configs differ only by seed (null without a config): the Curves tab's mean ± band. */
  seedGroup: string | null;
  /** An lr-find result's suggested rate (steepest descent), the minimum/10 rule's and the architecture's d2l rate. */
  lrFind?: { suggestedLr: number; minimumOver10Lr: number; defaultLr: number };
}

export interface RunsResponse {
  logdir: string;
  /** The runs read so far (all of them once `loading` is false), newest first; one page with ?offset=&limit=. */
  runs: RunSummary[];
  warnings: string[];
  /** True while the first scan of the logdir is still reading runs: `runs` is a first part; ask again. */
  loading?: boolean;
  /** Runs found in the logdir (read or not), and where this page starts. */
  total?: number;
  offset?: number;
  /** Sweep and search directories (relative to the logdir): the Runs table groups their runs. */
  studies?: { sweeps: string[]; searches: string[] };
  /** The list's version: pass it as `since` to get only what changed after it. */
  version?: string;
  /**
   * True when this answers `?since=` with a delta: `runs` are the runs whose summaries changed (new ones
   * included), `removed` the names of runs gone; merge them into the list held. False: the whole list (or page).
   */
  delta?: boolean;
  removed?: string[];
}

export interface ScalarsResponse {
  run: string;
  cursor: string;
  /** True when `series` holds every point (no `since`, an old cursor, or the run's files were rewritten): replace, don't append. */
  reset: boolean;
  series: Record<string, ScalarPoint[]>;
  roles: CurveRoles;
  warnings: string[];
  /**
   * Present when asked for ?points= (downsampled to at most that many points per tag, keeping each bucket's lowest
   * and highest point, the first and the last) or a step range ?from=&to= (points in it only, at full resolution
   * without ?points=). `totals`: the points of each tag in the range before downsampling.
   */
  sampling?: { method: 'min-max per bucket'; points: number | null; from: number | null; to: number | null; totals: Record<string, number> };
}

export interface DiagnosisResponse {
  run: string;
  /** Where the per-epoch metrics came from: cnnlab's report.json, or the event files' loss series. */
  source: 'report' | 'events' | null;
  history: EpochMetrics[];
  diagnosis: FitDiagnosis | null;
  /** Why there is no diagnosis. */
  message?: string;
  warnings: string[];
  /** The run's status now ('interrupted' for a killed run, 'pruned' for a pruned sweep trial). */
  runStatus?: RunStatus;
  /**
   * True while the run may still change its verdict: it is running, or it was interrupted before its planned epochs
   * (the verdict then starts "Interrupted after epoch n of m: provisional.").
   */
  provisional?: boolean;
  /** What the diagnosis was computed with: the run's config (as the trainer), the defaults (no config), or a "what if" patience. */
  settings: { patience: number; minDelta: number; source: 'config' | 'default' | 'what-if'; earlyStopping: boolean | null };
}

export type HParamValue = string | number | boolean;

export interface RunHParams {
  run: string;
  arch: string | null;
  status: RunStatus;
  /** 'events': the hparams plugin's session start; 'config': the run's config.json. */
  source: 'events' | 'config' | null;
  hparams: Record<string, HParamValue>;
  /** Final and best metrics: best/val_accuracy, best/val_loss, final/<tag>, test/accuracy… */
  metrics: Record<string, number | null>;
}

export interface HParamsColumn {
  name: string;
  type: 'number' | 'string' | 'boolean';
  /** Distinct values, sorted. */
  values: HParamValue[];
}

export interface HParamsResponse {
  hparams: HParamsColumn[];
  metrics: string[];
  runs: RunHParams[];
}

export interface ArchitectureInfo {
  name: string;
  family: string;
  description: string;
  source: string;
  input: number[];
  classes: number;
  referenceParams: number | null;
}

export interface ArchitecturesResponse {
  architectures: ArchitectureInfo[];
  /** Architecture packages that could not be imported. */
  missing: string[];
}

export interface SummaryResponse {
  name: string;
  input: number[];
  depth: number | null;
  rows: LayerRow[];
  totals: { params: number; trainableParams: number; nonTrainableParams: number; macs: number; denseParams: number; paramBytes: number };
}

export interface ComplexityResponse {
  rows: ComplexityRow[];
  /** Left out unless ?all=1: models with more than `limit` parameters (known from their reference counts). */
  excluded: { name: string; params: number }[];
  /** Models that could not be built. */
  failed: { name: string; error: string }[];
  limit: number;
  all: boolean;
  /** The common input size (height = width) every model was measured at; null: each model's own input. */
  inputSize: number | null;
  /** Milliseconds spent building models for this answer (0 when cached). */
  computedMs: number;
}

export interface ErrorResponse {
  error: string;
}

/** @cnnlab/search's statuses (sweep.json). */
export type SweepStatus = 'running' | 'interrupted' | 'finished' | 'failed';
export type TrialStatus = 'pending' | 'running' | 'finished' | 'pruned' | 'failed' | 'interrupted';
export type SweepMetric = 'valLoss' | 'valAcc';

/** A sweep's parameter value as a table shows it: lists and objects as JSON text. */
export type ParamCell = HParamValue | null;

export interface SweepBest {
  trial: string;
  params: Record<string, ParamCell>;
  metric: SweepMetric;
  /** The best value of the sweep's metric (validation only). */
  value: number;
  bestEpoch: number | null;
  bestValLoss: number | null;
  bestValAcc: number | null;
  /** The test split, measured once for the chosen trial only after the sweep completed; null until then. */
  test: { loss: number; accuracy: number; epoch: number; evaluatedAt: string } | null;
}

/** One directory under the logdir holding a sweep.json. */
export interface SweepSummary {
  /** The sweep directory relative to the logdir ('.' for the logdir itself): its id in URLs. */
  name: string;
  /** The spec's name. */
  title: string | null;
  status: SweepStatus | null;
  method: 'grid' | 'random' | null;
  metric: SweepMetric | null;
  /** "median rule after 1 warm-up epoch", "successive halving η=2 over rungs of 1, 2 epochs", or null. */
  pruning: string | null;
  trials: number;
  /** Trials by status (only the statuses present). */
  byStatus: Partial<Record<TrialStatus, number>>;
  best: SweepBest | null;
  /** Test accuracy of the chosen configuration, once evaluated. */
  testAccuracy: number | null;
  updatedAt: string | null;
  /** Why sweep.json could not be read (the other fields are then empty). */
  error?: string;
}

export interface SweepsResponse {
  logdir: string;
  sweeps: SweepSummary[];
  warnings: string[];
}

export interface SweepTrial {
  /** Rank among the trials that may be chosen (trained to the end), 1 = best; null for the others. */
  rank: number | null;
  name: string;
  /** The trial's run, relative to the logdir (for /api/runs/:run/…). */
  run: string;
  params: Record<string, ParamCell>;
  status: TrialStatus;
  epochsDone: number;
  epochsPlanned: number;
  /** Successive halving: the rung (0-based) the trial reached; null without halving. */
  rung: number | null;
  /** Successive halving: continued past the first rung. */
  promoted: boolean;
  bestEpoch: number | null;
  bestValLoss: number | null;
  bestValAcc: number | null;
  /** Best value of the sweep's metric: what trials are ranked by. */
  value: number | null;
  modelParams: number | null;
  macs: number | null;
  /** Why the sweep stopped it (pruned). */
  stopped: { rule: 'median' | 'halving'; epoch: number; reason: string } | null;
  message: string | null;
  /** The chosen configuration. */
  best: boolean;
}

export interface SweepResponse extends Omit<SweepSummary, 'error' | 'trials'> {
  description: string | null;
  seed: number | null;
  /** Successive halving: epochs of each rung. */
  rungs: number[] | null;
  /** Whether the chosen trial is to be evaluated on the test split when the sweep completes. */
  testPlanned: boolean;
  /** The swept parameters (dotted paths), with the values the trials took. */
  parameters: HParamsColumn[];
  /** Ranked: eligible trials best first, then the others. */
  trials: SweepTrial[];
  message: string | null;
  warnings: string[];
}

export type SearchStatus = 'running' | 'interrupted' | 'finished';
export type SearchModelStatus = 'pending' | 'running' | 'finished' | 'failed' | 'interrupted';
export type EdfRelation = 'a-dominates' | 'b-dominates' | 'equal' | 'cross';

export interface Stats {
  min: number;
  median: number;
  mean: number;
  max: number;
}

export interface SearchComparison {
  /** The space whose EDF dominates every other's, or null. */
  dominant: string | null;
  pairs: { a: string; b: string; relation: EdfRelation }[];
}

/** One directory under the logdir holding a search.json. */
export interface SearchSummary {
  /** The search directory relative to the logdir ('.' for the logdir itself). */
  name: string;
  status: SearchStatus | null;
  spaces: { name: string; sampled: number; finished: number; medianError: number | null }[];
  samplesPerSpace: number | null;
  epochs: number | null;
  input: number[] | null;
  datasetLimit: number | null;
  models: number;
  finished: number;
  dominant: string | null;
  updatedAt: string | null;
  error?: string;
}

export interface SearchesResponse {
  logdir: string;
  searches: SearchSummary[];
  warnings: string[];
}

export interface SearchSpace {
  name: string;
  description: string;
  constraints: { sharedBottleneck: boolean; sharedGroupWidth: boolean; increasingWidths: boolean; increasingDepths: boolean };
  sampled: number;
  finished: number;
  failed: number;
  /** Validation errors of the finished models, ascending. */
  errors: number[];
  /** min / median / mean / max validation error; null without finished models. */
  stats: Stats | null;
  /** F(e) = fraction of models with error < e, on a grid of thresholds. */
  edf: { threshold: number; perMille: number; fraction: number }[];
  /** The exact step function: F just above each distinct error. */
  steps: { error: number; fraction: number }[];
  params: Stats | null;
  macs: Stats | null;
}

export interface SearchModelRow {
  space: string;
  index: number;
  name: string;
  /** The model's run, relative to the logdir. */
  run: string;
  status: SearchModelStatus;
  params: number | null;
  macs: number | null;
  /** 1 − validation accuracy at the best epoch. */
  valError: number | null;
  valAcc: number | null;
  valLoss: number | null;
  bestEpoch: number | null;
  epochs: number;
  config: { stemChannels: number; stages: { depth: number; width: number; groupWidth: number; bottleneckRatio: number }[] };
  message: string | null;
}

export interface SearchResponse {
  name: string;
  status: SearchStatus;
  options: {
    samplesPerSpace: number;
    epochs: number;
    input: number[];
    datasetLimit: number;
    stages: number;
    seed: number;
    edfStep: number;
    ranges: { depth: number[]; width: number[]; groupWidth: number[]; bottleneckRatio: number[] };
  };
  spaces: SearchSpace[];
  comparison: SearchComparison;
  models: SearchModelRow[];
  updatedAt: string;
  message: string | null;
  warnings: string[];
}
