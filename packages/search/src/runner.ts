import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic, type BackendChoice } from '@cnnlab/core';
import { isRunDirectory, readConfig, readReport, resumeRun, train, type RunReport, type TrainHooks, type TrainOptions } from '@cnnlab/trainer';

export type TrainingAction = 'skip' | 'resume' | 'train';

export interface EngineOptions {
  backend?: BackendChoice;
  /** Data-set cache folder (default: the trainer's). */
  cacheDir?: string;
}

/**
 * What it takes to bring the run in `runDir` to `epochs` epochs: nothing (it is
 * finished, stopped early by its own early stopping, or failed — failures are
 * deterministic and not retried), resume it from its checkpoint (killed,
 * interrupted, or to be continued to more epochs), or train it from scratch.
 */
export function trainingAction(runDir: string, epochs: number): TrainingAction {
  if (!isRunDirectory(runDir)) return 'train';
  const report = readReport(runDir);
  if (report.status === 'failed' || report.status === 'stopped-early') return 'skip';
  if (report.status === 'finished' && readConfig(runDir).epochs >= epochs) return 'skip';
  return 'resume';
}

/**
 * Trains, resumes or leaves the run in `runDir` so that it reaches `epochs`
 * epochs. A run that fails while training (e.g. a diverging loss) returns its
 * failed report with the error; other errors (data, configuration) are thrown.
 * `group` is the run's TensorBoard HParams session group (default '': its own run path).
 */
export async function trainTo(
  runDir: string, options: TrainOptions, epochs: number, hooks: TrainHooks, engine: EngineOptions = {}, group?: string,
): Promise<{ action: TrainingAction; report: RunReport; error?: Error }> {
  const action = trainingAction(runDir, epochs);
  const run = { ...(engine.backend ? { backend: engine.backend } : {}), ...(engine.cacheDir ? { cacheDir: engine.cacheDir } : {}) };
  try {
    if (action === 'skip') return { action, report: readReport(runDir) };
    if (action === 'resume') {
      const planned = readConfig(runDir).epochs;
      const { report } = await resumeRun(runDir, { ...run, ...(epochs > planned ? { epochs } : {}) }, hooks);
      return { action, report };
    }
    // A directory without config and report was left by a kill before the run was set up: nothing was trained.
    if (existsSync(runDir)) rmSync(runDir, { recursive: true, force: true });
    const { report } = await train({ ...options, epochs, logdir: dirname(runDir), name: basename(runDir), ...(group ? { group } : {}), ...run }, hooks);
    return { action, report };
  } catch (error) {
    if (isRunDirectory(runDir)) {
      const report = readReport(runDir);
      if (report.status === 'failed') return { action, report, error: error as Error };
    }
    throw error;
  }
}

/** Adds a note to a run's report.json message (e.g. why a sweep stopped it). */
export function noteInReport(runDir: string, message: string): void {
  const report = readReport(runDir);
  if (report.message === message) return;
  report.message = message;
  writeFileAtomic(join(runDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
}
