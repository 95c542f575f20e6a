/**
 * Shapes of the dashboard's JSON API. Types only (no runtime code): the browser bundle imports them too,
 * so nothing here may import a Node or tfjs module.
 */

export type RunKind = 'cnnlab' | 'tensorboard';

/** cnnlab's run statuses, plus 'unknown' for TensorBoard runs of other tools without a session end. */
export type RunStatus = 'running' | 'finished' | 'stopped-early' | 'interrupted' | 'failed' | 'unknown';

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
  /** Trainable parameters. */
  params: number | null;
  imagesPerSecond: number | null;
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
}

export interface RunsResponse {
  logdir: string;
  runs: RunSummary[];
  warnings: string[];
}

export interface ScalarsResponse {
  run: string;
  cursor: string;
  /** True when `series` holds every point (no `since`, an old cursor, or the run's files were rewritten): replace, don't append. */
  reset: boolean;
  series: Record<string, ScalarPoint[]>;
  roles: CurveRoles;
  warnings: string[];
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc?: number;
  valLoss: number;
  valAcc?: number;
}

/** @cnnlab/analysis's FitDiagnosis, as JSON. */
export interface FitDiagnosis {
  epochs: number;
  bestEpoch: number | null;
  bestValLoss: number | null;
  minValLossEpoch: number | null;
  minValLoss: number | null;
  earlyStopEpoch: number | null;
  overfitting: { start: number; end: number; from: number; valLossRise: number; trainLossDrop: number } | null;
  underfitting: { reasons: string[]; trainLossSlope: number; valLossSlope: number; trainAcc: number | null; attainableAccuracy: number | null } | null;
  gaps: { epoch: number; lossGap: number; accGap: number | null }[];
  status: 'overfitting' | 'underfitting' | 'good-fit' | 'still-improving' | 'insufficient-data';
  verdict: string;
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

export interface LayerRow {
  name: string;
  type: string;
  outputShape: number[];
  params: number;
  trainableParams: number;
  macs: number;
  dense: boolean;
  layers: number;
}

export interface SummaryResponse {
  name: string;
  input: number[];
  depth: number | null;
  rows: LayerRow[];
  totals: { params: number; trainableParams: number; nonTrainableParams: number; macs: number; denseParams: number; paramBytes: number };
}

export interface ComplexityRow {
  name: string;
  family: string;
  source: string;
  input: number[];
  classes: number;
  params: number;
  trainableParams: number;
  denseParams: number;
  denseShare: number;
  macs: number;
  paramBytes: number;
  activationBytes: number;
  batchSize: number;
}

export interface ComplexityResponse {
  rows: ComplexityRow[];
  /** Left out unless ?all=1: models with more than `limit` parameters (known from their reference counts). */
  excluded: { name: string; params: number }[];
  /** Models that could not be built. */
  failed: { name: string; error: string }[];
  limit: number;
  all: boolean;
  /** Milliseconds spent building models for this answer (0 when cached). */
  computedMs: number;
}

export interface ErrorResponse {
  error: string;
}
