import type { Worker } from 'node:worker_threads';
import { startServerWorker } from './worker-boot.js';
import type { ComplexityRow, SummaryResponse } from './types.js';

export type ComplexityJob =
  | { id: number; kind: 'row'; name: string; inputSize: number | null }
  | { id: number; kind: 'summary'; name: string; depth: number | null };
export type ComplexityReply = { id: number; ok: true; value: ComplexityRow | SummaryResponse } | { id: number; ok: false; error: string };
type JobInput = ComplexityJob extends infer J ? (J extends ComplexityJob ? Omit<J, 'id'> : never) : never;

function startWorker(): Worker {
  return startServerWorker('complexity-worker');
}

/**
 * Runs complexity jobs one at a time in a worker thread, started on the first job and ended after
 * `idleMs` without work (building models holds hundreds of MB that are then given back).
 */
export class ComplexityWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: ComplexityRow | SummaryResponse) => void; reject: (e: Error) => void }>();
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly queued: ComplexityJob[] = [];
  private busy = false;

  constructor(private readonly idleMs = 15_000) {}

  run(job: Extract<JobInput, { kind: 'row' }>): Promise<ComplexityRow>;
  run(job: Extract<JobInput, { kind: 'summary' }>): Promise<SummaryResponse>;
  run(job: JobInput): Promise<ComplexityRow | SummaryResponse> {
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // A summary (one model, a table someone is waiting for) goes before the rows of a whole comparison.
      const urgent = job.kind === 'summary';
      const at = urgent ? this.queued.findIndex((q) => q.kind !== 'summary') : -1;
      this.queued.splice(at === -1 ? this.queued.length : at, 0, { ...job, id } as ComplexityJob);
      this.pump();
    });
  }

  /** Hands the worker the next job when it is free: one at a time, so that the queue's order holds. */
  private pump(): void {
    if (this.busy || !this.queued.length) return;
    this.busy = true;
    this.ensure().postMessage(this.queued.shift()!);
  }

  /** Ends the worker now (pending jobs fail). */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = null;
    this.busy = false;
    this.queued.length = 0;
    for (const job of this.waiting.values()) job.reject(new Error('The complexity worker was closed'));
    this.waiting.clear();
    if (worker) await worker.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.unref();
    worker.on('message', (reply: ComplexityReply) => {
      const job = this.waiting.get(reply.id);
      if (!job) return;
      this.waiting.delete(reply.id);
      this.busy = false;
      if (reply.ok) job.resolve(reply.value);
      else job.reject(new Error(reply.error));
      this.pump();
      if (this.waiting.size === 0) this.scheduleIdle();
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.busy = false;
      this.queued.length = 0;
      for (const job of this.waiting.values()) job.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The complexity worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private scheduleIdle(): void {
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
    this.idleTimer.unref();
  }
}
