import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ComplexityRow, SummaryResponse } from './types.js';

export type ComplexityJob =
  | { id: number; kind: 'row'; name: string; inputSize: number | null }
  | { id: number; kind: 'summary'; name: string; depth: number | null };
export type ComplexityReply = { id: number; ok: true; value: ComplexityRow | SummaryResponse } | { id: number; ok: false; error: string };
type JobInput = ComplexityJob extends infer J ? (J extends ComplexityJob ? Omit<J, 'id'> : never) : never;

/** The worker's entry: complexity-worker.js next to this file, or .ts when the server runs from source. */
function workerEntry(): { file: string; source: boolean } {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const file = join(dirname(here), `complexity-worker${ext}`);
  if (!existsSync(file)) throw new Error(`The complexity worker ${file} is missing: rebuild the dashboard (npm run build -w @cnnlab/dashboard)`);
  return { file, source: ext === '.ts' };
}

function startWorker(): Worker {
  const { file, source } = workerEntry();
  if (!source) return new Worker(file);
  // From source (tests, tsx): load the worker's TypeScript through tsx, with workspace packages read from source.
  // tsx's ESM build of its API (require.resolve finds the CommonJS one, which cannot load .ts in a worker).
  const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((t) => (t.tsImport ?? t.default.tsImport)(${JSON.stringify(pathToFileURL(file).href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { eval: true, execArgv: ['--conditions=@cnnlab/source'] });
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
