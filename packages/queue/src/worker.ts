import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { BackendChoice } from '@cnnlab/core';
import type { TrainingAction } from '@cnnlab/search';
import { readReport, runPaths } from '@cnnlab/trainer';
import { connect, redactIn } from './connection.js';
import { JobRefused, parseJob, runDirectoryOf, STUDIES_KEY, stopKeyOf, type TrialJobData, type TrialProgress, type TrialResult } from './protocol.js';
import type { ThreadMessage, ThreadRequest } from './thread-protocol.js';

export interface QueueWorkerOptions {
  url: string;
  /** The shared logdir: every job's run directory must lie inside it. */
  logdir: string;
  /** Trials trained at once (default 1; each uses the wasm engine's threads). */
  concurrency?: number;
  /** Shown as "active on" in reports and the dashboard (default <hostname>:<pid>). */
  name?: string;
  backend?: BackendChoice;
  /** A job whose worker stops renewing its lock this long is handed to another worker (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default: lockDurationMs). */
  stalledIntervalMs?: number;
  /** How often the list of studies is read (default 1 s). */
  studyPollMs?: number;
  /** Aborting (Ctrl-C): running trials stop after their batch with a checkpoint and go back to the queue; then the worker ends. */
  signal?: AbortSignal;
  onEvent?(event: WorkerEvent): void;
  /** Report every batch as an event (tests). */
  batchEvents?: boolean;
}

export type WorkerEvent =
  | { type: 'start'; job: string; name: string; action: 'train' | 'resume' }
  | { type: 'batch'; job: string; name: string; epoch: number; batch: number }
  | { type: 'epoch'; job: string; name: string; epoch: number; valLoss: number }
  | { type: 'done'; job: string; name: string; action: TrainingAction; status: string; error?: string }
  | { type: 'requeued'; job: string; name: string }
  | { type: 'refused'; job: string; message: string }
  | { type: 'serving'; queue: string }
  | { type: 'error'; message: string };

interface Slot {
  thread: Thread | null;
  busy: boolean;
  stop: Int32Array | null;
}

/** The thread that trains. Run from source (tests, tsx), it registers tsx itself: loader hooks do not reach worker threads. */
function startThread(): Thread {
  if (!import.meta.url.endsWith('.ts')) return new Thread(new URL('./trial-thread.js', import.meta.url));
  // tsx is a workspace dev tool, found only when running from source (the published dist never gets here).
  // Its ESM API build: require.resolve finds the CommonJS one, which cannot register hooks in a worker.
  const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  const code = `const { register } = await import(${JSON.stringify(api)}); register();
    await import(${JSON.stringify(new URL('./trial-thread.ts', import.meta.url).href)});`;
  return new Thread(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
}

/**
 * A queue worker: serves every study queue registered in Redis, training each
 * trial in a worker thread (so that this thread keeps the job's lock alive) with
 * the trainer's checkpoints and event files, and reporting each epoch's history.
 * Resolves when `signal` aborts and the running trials are back in their queues.
 */
export async function runWorker(o: QueueWorkerOptions): Promise<{ trained: number; refused: number }> {
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const concurrency = o.concurrency ?? 1;
  const lockDuration = o.lockDurationMs ?? 30_000;
  const emit = (e: WorkerEvent) => o.onEvent?.(e);
  const redis = connect(o.url);
  const slots: Slot[] = Array.from({ length: concurrency }, () => ({ thread: null, busy: false, stop: null }));
  const workers = new Map<string, Worker>();
  const paused = new Set<string>();
  /** Stop flags of the trials training now, by queue/job id. */
  const running = new Map<string, Int32Array>();
  const counts = { trained: 0, refused: 0 };
  let closing = false;

  const stopAll = () => {
    closing = true;
    for (const s of slots) if (s.stop) Atomics.store(s.stop, 0, 1);
  };
  o.signal?.addEventListener('abort', stopAll);

  const train = (slot: Slot, job: Job, data: TrialJobData, runDir: string, token: string, queue: string): Promise<TrialResult> => {
    if (!slot.thread) slot.thread = startThread();
    const thread = slot.thread;
    const stop = new SharedArrayBuffer(4);
    slot.stop = new Int32Array(stop);
    const flag = slot.stop;
    if (closing) Atomics.store(flag, 0, 1);
    const key = `${queue}/${job.id}`;
    running.set(key, flag);
    // The queue's job lock, not the run's pid lock, decides who trains a trial: a lock left by a
    // killed worker (perhaps on another machine, where its pid means nothing here) is stale.
    const lock = runPaths(runDir).lock;
    if (existsSync(lock)) rmSync(lock, { force: true });
    const stopKey = stopKeyOf(queue, job.id!);
    let stopRequested = false;
    const poll = setInterval(() => {
      redis.exists(stopKey).then((n) => {
        if (n) {
          stopRequested = true;
          Atomics.store(flag, 0, 1);
        }
      }, () => {});
    }, 500);
    let action: 'train' | 'resume' | undefined;
    const progress = (p: Omit<TrialProgress, 'worker'>) => job.updateProgress({ worker: name, ...p } as TrialProgress as object).catch(() => {});
    return new Promise<TrialResult>((resolve, reject) => {
      const finish = () => {
        clearInterval(poll);
        running.delete(key);
        thread.off('message', onMessage);
        thread.off('error', onError);
        slot.stop = null;
      };
      const onError = (error: Error) => {
        finish();
        slot.thread = null;
        reject(error);
      };
      const onMessage = (m: ThreadMessage) => {
        if (m.type === 'start') {
          action = m.action;
          void progress({ action });
          emit({ type: 'start', job: job.id!, name: data.name, action });
        } else if (m.type === 'batch') {
          emit({ type: 'batch', job: job.id!, name: data.name, epoch: m.epoch, batch: m.batch });
        } else if (m.type === 'epoch') {
          const history = readReport(runDir).history;
          void progress({ ...(action ? { action } : {}), history });
          emit({ type: 'epoch', job: job.id!, name: data.name, epoch: history.length, valLoss: history.at(-1)!.valLoss });
        } else if (m.type === 'crash') {
          finish();
          reject(new Error(m.message));
        } else {
          finish();
          const interrupted = m.status === 'interrupted' || m.status === 'running';
          if (interrupted && !stopRequested) {
            // Ctrl-C: the trial is checkpointed; give it back to the queue for any worker to resume.
            job.moveToWait(token).then(() => {
              emit({ type: 'requeued', job: job.id!, name: data.name });
              reject(new WaitingError());
            }, reject);
            return;
          }
          emit({ type: 'done', job: job.id!, name: data.name, action: m.action, status: m.status, ...(m.error ? { error: m.error } : {}) });
          resolve({ worker: name, action: m.action, status: m.status, ...(m.error ? { error: m.error } : {}) });
        }
      };
      thread.on('message', onMessage);
      thread.on('error', onError);
      const request: ThreadRequest = { runDir, ...(typeof data.group === 'string' ? { group: data.group } : {}), options: data.options, epochs: data.epochs, stop, batches: !!o.batchEvents, ...(data.backend ?? o.backend ? { backend: (data.backend ?? o.backend)! } : {}) };
      thread.postMessage(request);
    });
  };

  const processor = (queue: string) => async (job: Job, token?: string): Promise<TrialResult> => {
    let data: TrialJobData;
    let runDir: string;
    try {
      data = parseJob(job.data);
      runDir = runDirectoryOf(o.logdir, data);
    } catch (error) {
      if (!(error instanceof JobRefused)) throw error;
      counts.refused += 1;
      emit({ type: 'refused', job: job.id ?? '?', message: error.message });
      throw new UnrecoverableError(error.message);
    }
    const slot = slots.find((s) => !s.busy);
    if (!slot || closing) {
      // Another study's trial holds every slot (or the worker is stopping): leave this one to others,
      // and take no more from this queue until a slot is free.
      await job.moveToWait(token);
      if (!closing) {
        paused.add(queue);
        void workers.get(queue)?.pause(true);
      }
      throw new WaitingError();
    }
    slot.busy = true;
    try {
      const result = await train(slot, job, data, runDir, token!, queue);
      counts.trained += 1;
      return result;
    } finally {
      slot.busy = false;
      for (const q of paused) workers.get(q)?.resume();
      paused.clear();
    }
  };

  const serve = (queue: string) => {
    if (workers.has(queue) || closing) return;
    const worker = new Worker(queue, processor(queue), {
      connection: redis.duplicate(),
      concurrency,
      name,
      lockDuration,
      stalledInterval: o.stalledIntervalMs ?? lockDuration,
      // A killed worker's trial is handed on however often that happens; it resumes from its checkpoint.
      maxStalledCount: 1000,
    });
    worker.on('error', (error) => emit({ type: 'error', message: redactIn(error.message, o.url) }));
    // This worker lost a job's lock (its process was starved, or cut off from Redis for longer than the lock):
    // another worker may have the trial already, so stop training it here at once.
    worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) {
        const flag = running.get(`${queue}/${id}`);
        if (flag) Atomics.store(flag, 0, 1);
        emit({ type: 'error', message: `lost the lock of job ${id}; stopped training it here` });
      }
    });
    workers.set(queue, worker);
    emit({ type: 'serving', queue });
  };

  const discover = async () => {
    try {
      const listed = new Set(await redis.smembers(STUDIES_KEY));
      for (const queue of listed) serve(queue);
      // A finished study leaves the list: stop waiting on its queue (close() lets a running trial finish).
      for (const [queue, worker] of workers) {
        if (listed.has(queue)) continue;
        workers.delete(queue);
        void worker.close().then(() => worker.disconnect()).catch(() => {});
      }
    } catch (error) {
      emit({ type: 'error', message: redactIn((error as Error).message, o.url) });
    }
  };
  await discover();
  const timer = setInterval(() => void discover(), o.studyPollMs ?? 1000);
  try {
    await new Promise<void>((resolve) => {
      if (o.signal?.aborted) return resolve();
      o.signal?.addEventListener('abort', () => resolve());
    });
  } finally {
    clearInterval(timer);
    stopAll();
    // close() waits for the running trials, which stop after their batch and go back to their queues.
    await Promise.all([...workers.values()].map((w) => w.close()));
    await Promise.all(slots.map((s) => s.thread?.terminate()));
    await Promise.all([...workers.values()].map((w) => w.disconnect().catch(() => {})));
    redis.disconnect();
  }
  return counts;
}
