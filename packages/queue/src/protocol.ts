import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { BackendChoice } from '@cnnlab/core';
import type { TrainingAction } from '@cnnlab/search';
import type { EpochMetrics, RunStatus, TrainOptions } from '@cnnlab/trainer';

/** Redis set of the queues with a running study: workers serve every queue listed here. */
export const STUDIES_KEY = 'cnnlab:studies';
export const JOB_FORMAT = 1;

/** A trial as a queued job: where its run lives (relative to the shared logdir) and how to train it. */
export interface TrialJobData {
  format: typeof JOB_FORMAT;
  /** The study directory relative to the logdir ('/'-separated; '.' for the logdir itself). */
  study: string;
  /** The run directory relative to the study directory. */
  run: string;
  name: string;
  /** The run's TensorBoard HParams session group. */
  group?: string;
  options: TrainOptions;
  epochs: number;
  backend?: BackendChoice;
}

/** What a worker reports while a job trains (job progress). */
export interface TrialProgress {
  worker: string;
  action?: 'train' | 'resume';
  history?: EpochMetrics[];
}

/** A finished job's return value; the study reads the run's report.json from the shared logdir. */
export interface TrialResult {
  worker: string;
  action: TrainingAction;
  status: RunStatus;
  error?: string;
}

export class JobRefused extends Error {
  override name = 'JobRefused';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a job's data; a JobRefused error names what is wrong. */
export function parseJob(data: unknown): TrialJobData {
  if (!isObject(data)) throw new JobRefused(`malformed job: its data is ${data === null ? 'null' : typeof data}, not a cnnlab trial`);
  if (data.format !== JOB_FORMAT) throw new JobRefused(`unknown job: format ${JSON.stringify(data.format)} (this worker reads format ${JOB_FORMAT}); is it a cnnlab trial of a newer version?`);
  for (const key of ['study', 'run', 'name'] as const) {
    if (typeof data[key] !== 'string' || data[key] === '') throw new JobRefused(`malformed job: "${key}" must be a non-empty string, got ${JSON.stringify(data[key])}`);
  }
  if (!isObject(data.options) || typeof data.options.arch !== 'string') throw new JobRefused('malformed job: "options" must be training options with an arch');
  if (typeof data.epochs !== 'number' || !Number.isInteger(data.epochs) || data.epochs < 1) throw new JobRefused(`malformed job: "epochs" must be a positive integer, got ${JSON.stringify(data.epochs)}`);
  return data as unknown as TrialJobData;
}

/** The absolute run directory of a job under `logdir`; refuses any path that leaves it. */
export function runDirectoryOf(logdir: string, job: Pick<TrialJobData, 'study' | 'run'>): string {
  const root = resolve(logdir);
  for (const part of [job.study, job.run]) {
    if (isAbsolute(part) || part.includes('\\') || part.includes('\0') || part.split('/').includes('..')) {
      throw new JobRefused(`refused: the run path "${job.study}/${job.run}" leaves the logdir ${root}`);
    }
  }
  const dir = resolve(root, job.study, job.run);
  if (!inside(root, dir) || dir === root) throw new JobRefused(`refused: the run path "${job.study}/${job.run}" leaves the logdir ${root}`);
  // Nor through a symbolic link: the deepest part that exists must really be inside the logdir.
  let existing = dir;
  while (!existsSync(existing)) existing = dirname(existing);
  if (existsSync(root) && !inside(realpathSync(root), realpathSync(existing))) {
    throw new JobRefused(`refused: the run path "${job.study}/${job.run}" leads outside the logdir ${root} (through a symbolic link)`);
  }
  return dir;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

/** A study directory relative to the logdir ('/'-separated); an error when it is not inside. */
export function studyPath(logdir: string, studyDir: string): string {
  const rel = relative(resolve(logdir), resolve(studyDir));
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`With --queue the study directory must be inside the logdir that the workers share: ${resolve(studyDir)} is not inside ${resolve(logdir)} (set --logdir or --dir)`);
  }
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** One BullMQ queue per study: its kind, a readable part of its path, and a hash of the whole path (no ':'). */
export function queueNameOf(kind: 'sweep' | 'search', study: string): string {
  const hash = createHash('sha256').update(`${kind}\0${study}`).digest('hex').slice(0, 10);
  const readable = study.replace(/[^\w.-]+/g, '_').slice(-40);
  return `cnnlab-${kind}-${readable}-${hash}`;
}

/** A BullMQ job id from a study's job id ("trial-003@e3", "AnyNetX_A/model-001"): no ':' and never an integer. */
export const jobIdOf = (id: string) => `t_${id.replace(/[^\w.@-]/g, '~')}`;

/** The Redis key asking the worker of a job to stop it after its current epoch (the median rule decided). */
export const stopKeyOf = (queue: string, jobId: string) => `cnnlab:stop:${queue}:${jobId}`;
