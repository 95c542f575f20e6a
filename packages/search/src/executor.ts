import { readReport, type EpochMetrics, type RunReport, type TrainHooks, type TrainOptions } from '@cnnlab/trainer';
import { trainingAction, trainTo, type EngineOptions, type TrainingAction } from './runner.js';

/** One trial (or search model) to bring to `epochs` epochs in its run directory. */
export interface TrialJob {
  /** Unique within the study and stable across restarts: "trial-003" or "trial-003@e3" (a successive-halving rung). */
  id: string;
  /** Display name: "trial-003", "AnyNetX_A/model-001". */
  name: string;
  /** Absolute run directory. */
  runDir: string;
  /** The run's TensorBoard HParams session group (`<study>/<run>`). */
  group?: string;
  options: TrainOptions;
  epochs: number;
}

export interface TrialOutcome {
  action: TrainingAction;
  report: RunReport;
  /** Training failed (e.g. a diverging loss), or the job itself was refused (malformed, outside the logdir). */
  error?: string;
}

export interface TrialHandlers {
  /**
   * Called before a job is started or submitted: true settles it without training
   * (the study decided it from what the run recorded, e.g. a median-rule replay after a restart).
   */
  settledWithoutTraining?(job: TrialJob): boolean;
  onStart?(job: TrialJob, info: { action: 'train' | 'resume'; worker?: string }): void;
  /** After every epoch, with the run's whole history; true asks the executor to stop the trial (it ends 'interrupted', with a checkpoint). */
  onEpoch?(job: TrialJob, history: EpochMetrics[]): boolean | void;
  onSettled(job: TrialJob, outcome: TrialOutcome): void;
}

/**
 * Where a study's trials train. The study (sweep or search) makes every decision;
 * an executor only trains: in this process one after another (LocalTrialExecutor),
 * or on any number of workers through a job queue (@cnnlab/queue).
 */
export interface TrialExecutor {
  /**
   * Brings every job to its epochs, calling `onSettled` once per job. Resolves when
   * every job is settled, or when `signal` aborts (jobs not settled then are left to a later start).
   */
  runAll(jobs: readonly TrialJob[], handlers: TrialHandlers, signal?: AbortSignal): Promise<void>;
}

/** Runs trials in this process, one after another in the given order (deterministic decisions). */
export class LocalTrialExecutor implements TrialExecutor {
  constructor(
    private readonly hooks: Omit<TrainHooks, 'signal' | 'onEpoch'> & Pick<TrainHooks, 'onEpoch'> = {},
    private readonly engine: EngineOptions = {},
  ) {}

  async runAll(jobs: readonly TrialJob[], handlers: TrialHandlers, signal?: AbortSignal): Promise<void> {
    for (const job of jobs) {
      if (signal?.aborted) return;
      if (handlers.settledWithoutTraining?.(job)) continue;
      const controller = new AbortController();
      const forward = () => controller.abort();
      signal?.addEventListener('abort', forward);
      try {
        const action = trainingAction(job.runDir, job.epochs);
        if (action !== 'skip') handlers.onStart?.(job, { action });
        const outcome = await trainTo(job.runDir, job.options, job.epochs, {
          ...this.hooks,
          signal: controller.signal,
          onEpoch: (metrics, info) => {
            this.hooks.onEpoch?.(metrics, info);
            if (handlers.onEpoch?.(job, readHistory(job.runDir))) controller.abort();
          },
        }, this.engine, job.group);
        handlers.onSettled(job, { action: outcome.action, report: outcome.report, ...(outcome.error ? { error: outcome.error.message } : {}) });
      } finally {
        signal?.removeEventListener('abort', forward);
      }
    }
  }
}

/** The run's whole history (report.json is written before onEpoch, also after a resume). */
const readHistory = (runDir: string) => readReport(runDir).history;

