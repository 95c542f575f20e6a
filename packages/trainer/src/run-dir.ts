import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core/io';
import type { FitDiagnosis } from '@cnnlab/analysis';
import type { TrainConfig } from './config.js';

/** Where everything of one run lives. */
export function runPaths(dir: string) {
  return {
    dir,
    config: join(dir, 'config.json'),
    split: join(dir, 'split.json'),
    normalization: join(dir, 'normalization.json'),
    report: join(dir, 'report.json'),
    checkpoints: join(dir, 'checkpoints'),
    bestModel: join(dir, 'best-model'),
    lock: join(dir, '.lock'),
  };
}

export interface EpochMetrics {
  /** 1-based epoch number (the TensorBoard step of epoch metrics). */
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
}

export type RunStatus = 'running' | 'finished' | 'stopped-early' | 'interrupted' | 'failed';

/** report.json: the run's state for humans, `cnnlab runs` and the dashboard. Rewritten atomically every epoch. */
export interface RunReport {
  name: string;
  arch: string;
  status: RunStatus;
  message?: string;
  startedAt: string;
  updatedAt: string;
  engine: { backend: string; threads: number; simd: boolean | null };
  dataset: {
    name: string; images: number; train: number; val: number; test: number; note?: string;
    /** How the split was made (absent in runs from before it was recorded: seeded). */ split?: 'seeded' | 'official' | 'folders'; splitDescription?: string;
    /** Class names, by label (absent in older runs). */ classes?: string[];
  };
  params: { trainable: number; total: number; macs: number };
  epochsPlanned: number;
  history: EpochMetrics[];
  bestEpoch: number | null;
  bestValLoss: number | null;
  bestValAcc: number | null;
  diagnosis: FitDiagnosis | null;
  test?: { loss: number; accuracy: number; evaluatedAt: string; epoch: number; confusion: number[][]; classes: string[] };
  resumes: number;
  /** The run's TensorBoard HParams session group (its path relative to the logdir, or the study's `<dir>/<trial>`). */
  group?: string;
}

/** The images/s statistic every view of a run shows (dashboard Runs and Pareto, `cnnlab runs`): its name. */
export const IMAGES_PER_SECOND_STATISTIC = 'median of epochs' as const;

/**
 * A run's training throughput as shown everywhere: the median over its epochs of each epoch's images/s (an epoch
 * is one sample; the median is not pulled by a first epoch that compiles kernels or a machine busy for one epoch).
 * null before the first epoch.
 */
export function medianImagesPerSecond(history: readonly Pick<EpochMetrics, 'imagesPerSecond'>[]): number | null {
  const values = history.map((m) => m.imagesPerSecond).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!values.length) return null;
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** A run's mean training throughput: all images trained over all training seconds (null before the first epoch). */
export function meanImagesPerSecond(history: readonly EpochMetrics[]): number | null {
  const seconds = history.reduce((n, m) => n + m.seconds, 0);
  if (!history.length || !(seconds > 0)) return null;
  return history.reduce((n, m) => n + m.imagesPerSecond * m.seconds, 0) / seconds;
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Throws one wording for every command that takes a run: the directory is
 * missing, or it holds no cnnlab run (no `file`, when one is named).
 */
export function assertRunDirectory(dir: string, file?: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`Run directory not found: ${dir}`);
  if (file && !existsSync(join(dir, file))) throw new Error(`Not a cnnlab run directory: ${dir} (it has no ${file})`);
}

export function readConfig(dir: string): TrainConfig {
  assertRunDirectory(dir, 'config.json');
  return readJson<TrainConfig>(runPaths(dir).config, 'Run config');
}

export function readReport(dir: string): RunReport {
  assertRunDirectory(dir, 'report.json');
  return readJson<RunReport>(runPaths(dir).report, 'Run report');
}

export function isRunDirectory(dir: string): boolean {
  return existsSync(runPaths(dir).config) && existsSync(runPaths(dir).report);
}

/** A fresh run directory; an existing non-empty one is never reused or overwritten. */
export function createRunDirectory(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`Run directory ${dir} already exists and is not empty: choose another --name, or continue it with --resume ${dir}`);
  }
  mkdirSync(dir, { recursive: true });
}

export function defaultRunName(arch: string, date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${arch}-${stamp}`;
}

/**
 * The directories below `logdir` (itself included, depth ≤ 8, no dot-folders or checkpoints) that `read` claims:
 * it returns what to keep, `null` to pass over a directory it claims but cannot read, or `undefined` to look deeper.
 */
export function walkLogdir<T>(logdir: string, read: (dir: string) => T | null | undefined): { dir: string; name: string; found: T }[] {
  const found: { dir: string; name: string; found: T }[] = [];
  const visit = (dir: string, depth: number) => {
    if (depth > 8) return;
    const value = read(dir);
    if (value !== undefined) {
      if (value !== null) found.push({ dir, name: relative(logdir, dir).split(sep).join('/') || '.', found: value });
      return;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'checkpoints') visit(join(dir, entry.name), depth + 1);
    }
  };
  if (existsSync(logdir) && statSync(logdir).isDirectory()) visit(logdir, 0);
  return found;
}

/** Every cnnlab run below `logdir` (nested), newest first. */
export function findRuns(logdir: string): { dir: string; name: string; report: RunReport }[] {
  const found = walkLogdir(logdir, (dir) => {
    if (!isRunDirectory(dir)) return undefined;
    try {
      return readReport(dir);
    } catch {
      // A half-written run directory is listed by the dashboard from its event files instead.
      return null;
    }
  }).map(({ dir, name, found: report }) => ({ dir, name, report }));
  return found.sort((a, b) => b.report.startedAt.localeCompare(a.report.startedAt));
}
