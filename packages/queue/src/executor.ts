import { existsSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { writeFileAtomic, type BackendChoice } from '@cnnlab/core';
import { QUEUE_FILE, type QueueSnapshot, type TrialExecutor, type TrialHandlers, type TrialJob, type TrialOutcome } from '@cnnlab/search';
import { readReport, type RunReport } from '@cnnlab/trainer';
import { join } from 'node:path';
import { connect, redactIn, redactUrl } from './connection.js';
import {
  JOB_FORMAT, jobIdOf, parseJob, queueNameOf, STUDIES_KEY, stopKeyOf, studyPath, type TrialJobData, type TrialProgress, type TrialResult,
} from './protocol.js';

export interface QueueExecutorOptions {
  url: string;
  /** The logdir the workers share; the study directory must lie inside it. */
  logdir: string;
  /** The study's directory (sweep.json or search.json, and queue.json). */
  studyDir: string;
  kind: 'sweep' | 'search';
  backend?: BackendChoice;
  /** How often the coordinator reads its jobs' states (default 200 ms). */
  pollMs?: number;
  log?(message: string): void;
}

type Tracked = QueueSnapshot['jobs'][number];

/**
 * The coordinator's side of a queue: each trial becomes a BullMQ job (its id
 * derived from the trial, so that a restarted coordinator finds the same jobs
 * instead of adding them twice) in the study's own queue; workers train them and
 * report each epoch; the study makes every decision from what they report.
 * Publishes the queue's state in <study>/queue.json for reports and the dashboard.
 */
export class QueueTrialExecutor implements TrialExecutor {
  readonly queueName: string;
  readonly study: string;
  private readonly redis: Redis;
  private readonly queue: Queue;
  private readonly tracked = new Map<string, Tracked>();
  private readonly foreign = new Map<string, string>();
  private snapshotAt = 0;

  constructor(private readonly o: QueueExecutorOptions) {
    this.study = studyPath(o.logdir, o.studyDir);
    this.queueName = queueNameOf(o.kind, this.study);
    this.redis = connect(o.url);
    this.queue = new Queue(this.queueName, { connection: this.redis });
    this.queue.on('error', () => {});
  }

  /** The queue as reports may show it: the URL without its password. */
  describe(): string {
    return `queue ${this.queueName} on ${redactUrl(this.o.url)}`;
  }

  async runAll(jobs: readonly TrialJob[], handlers: TrialHandlers, signal?: AbortSignal): Promise<void> {
    await this.redis.sadd(STUDIES_KEY, this.queueName);
    const pending = new Map<string, { job: TrialJob; attempt: number; epochs: number }>();
    const add = async (job: TrialJob) => {
      const id = jobIdOf(job.id);
      const data: TrialJobData = {
        format: JOB_FORMAT, study: this.study, run: relative(this.o.studyDir, job.runDir).split(sep).join('/'), name: job.name,
        options: job.options, epochs: job.epochs, ...(job.group ? { group: job.group } : {}), ...(this.o.backend ? { backend: this.o.backend } : {}),
      };
      // Same id, same job: adding it again (after a coordinator restart) leaves the existing one as it is.
      await this.queue.add(job.name, data, { jobId: id, attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false });
      this.tracked.set(id, { id, name: job.name, state: 'waiting', worker: null, attempts: 0, epoch: null, epochs: job.epochs });
      pending.set(id, { job, attempt: 0, epochs: 0 });
    };
    for (const job of jobs) {
      if (signal?.aborted) return;
      if (handlers.settledWithoutTraining?.(job)) continue;
      await add(job);
    }
    while (pending.size > 0 && !signal?.aborted) {
      for (const [id, p] of pending) {
        const j = await Job.fromId<TrialJobData, TrialResult>(this.queue, id);
        if (!j) {
          // Removed from Redis by someone (or lost with a Redis that kept no AOF): queue it again.
          pending.delete(id);
          await add(p.job);
          continue;
        }
        const t = this.tracked.get(id)!;
        const progress = (typeof j.progress === 'object' ? j.progress : {}) as Partial<TrialProgress>;
        t.attempts = j.attemptsStarted ?? 0;
        t.worker = j.processedBy ?? progress.worker ?? null;
        if (progress.action && t.attempts > p.attempt) {
          p.attempt = t.attempts;
          handlers.onStart?.(p.job, { action: progress.action, ...(t.worker ? { worker: t.worker } : {}) });
        }
        if (progress.history && progress.history.length > p.epochs) {
          p.epochs = progress.history.length;
          t.epoch = p.epochs;
          if (handlers.onEpoch?.(p.job, progress.history)) await this.redis.set(stopKeyOf(this.queueName, id), '1', 'EX', 7 * 86_400);
        }
        if (j.finishedOn) {
          pending.delete(id);
          const failed = !!j.failedReason && !j.returnvalue;
          t.state = failed ? 'failed' : 'done';
          if (failed) t.message = j.failedReason;
          handlers.onSettled(p.job, this.outcome(p.job, failed ? null : j.returnvalue, j.failedReason));
        } else {
          t.state = j.processedOn && t.worker && (await j.isActive()) ? 'active' : 'waiting';
        }
      }
      await this.publish();
      if (pending.size > 0) await sleep(this.o.pollMs ?? 200, undefined, { signal }).catch(() => {});
    }
    await this.publish(true);
  }

  private outcome(job: TrialJob, result: TrialResult | null, failedReason: string | undefined): TrialOutcome {
    const report = existsSync(join(job.runDir, 'report.json')) ? readReport(job.runDir) : noRun(job);
    if (!result) return { action: 'train', report: { ...report, status: 'failed' }, error: `the queue job failed: ${failedReason ?? 'no reason given'}` };
    return { action: result.action, report, ...(result.error ? { error: result.error } : {}) };
  }

  /** Writes queue.json (at most once a second unless `force`), with the jobs in the queue that are not this study's. */
  private async publish(force = false): Promise<void> {
    if (!force && Date.now() - this.snapshotAt < 1000) return;
    this.snapshotAt = Date.now();
    for (const j of await this.queue.getFailed(0, 200)) {
      if (!j?.id || this.tracked.has(j.id) || this.foreign.has(j.id)) continue;
      let message = j.failedReason ?? 'failed';
      try {
        if (parseJob(j.data).study === this.study) continue;
        message = `not a job of this study: ${message}`;
      } catch {
        // malformed: the worker's reason says what was wrong
      }
      this.foreign.set(j.id, redactIn(message, this.o.url));
      this.o.log?.(`Queue: job ${j.id} failed: ${message}`);
    }
    const jobs = [...this.tracked.values()];
    const count = (s: Tracked['state']) => jobs.filter((j) => j.state === s).length;
    const snapshot: QueueSnapshot = {
      version: 1, url: redactUrl(this.o.url), queue: this.queueName, updatedAt: new Date().toISOString(),
      counts: { waiting: count('waiting'), active: count('active'), done: count('done'), failed: count('failed') + this.foreign.size, retried: jobs.filter((j) => j.attempts > 1).length },
      jobs, foreign: [...this.foreign].map(([id, message]) => ({ id, message })),
    };
    writeFileAtomic(join(this.o.studyDir, QUEUE_FILE), JSON.stringify(snapshot, null, 2) + '\n');
  }

  /** Ends the connection; `finished` also takes the study off the workers' list. */
  async close(finished = false): Promise<void> {
    if (finished) await this.redis.srem(STUDIES_KEY, this.queueName).catch(() => {});
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }
}

/** A report for a job that never made a run directory (it was refused before training). */
function noRun(job: TrialJob): RunReport {
  const now = new Date().toISOString();
  return {
    name: job.name, arch: job.options.arch, status: 'failed', startedAt: now, updatedAt: now, engine: { backend: '', threads: 0, simd: null },
    dataset: { name: '', images: 0, train: 0, val: 0, test: 0 }, params: { trainable: 0, total: 0, macs: 0 }, epochsPlanned: job.epochs,
    history: [], bestEpoch: null, bestValLoss: null, bestValAcc: null, diagnosis: null, resumes: 0,
  };
}
