import type { Worker } from 'node:worker_threads';
import type { Dashboard, DashboardOptions } from './start.js';
import { startServerWorker } from './worker-boot.js';

type WorkerMessage = { type: 'listening'; url: string; port: number } | { type: 'error'; message: string } | { type: 'closed' };

/**
 * V8's young generation, MiB: V8 sizes its default (32 MiB here) for throughput, and the scan's short-lived garbage
 * then lives long enough to take RSS with it; a small one collects it sooner for a slightly slower scan.
 */
const YOUNG_GENERATION_MB = 3;

/**
 * The dashboard server in a worker thread whose V8 heap is capped at `heapLimitMb` (old generation): without a
 * cap V8 lets a scan of 10k runs grow the heap (and the memory the process holds around it) to several times what
 * is live. If the logdir needs more, the worker runs out of memory: the server is started again on the same port
 * with twice the cap, saying so on stderr, so a large logdir costs a rescan, never the dashboard.
 */
export async function startHeapCappedDashboard(o: DashboardOptions, heapLimitMb: number): Promise<Dashboard> {
  if (!Number.isFinite(heapLimitMb) || heapLimitMb < 32) throw new Error(`Invalid heap limit ${heapLimitMb} MiB: expected at least 32`);
  let limit = heapLimitMb;
  let closing: Promise<void> | null = null;
  /** A worker under the current cap, the cap doubled for as long as it runs out of memory while starting. */
  const startGrowing = async (options: DashboardOptions, why: string) => {
    for (;;) {
      try {
        return await startWorker({ ...options, heapLimitMb: undefined }, limit);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw error;
        process.stderr.write(`The dashboard's heap cap (${limit} MiB) is too small ${why}: trying ${limit * 2} MiB (--max-heap)\n`);
        limit *= 2;
      }
    }
  };
  let current = await startGrowing(o, 'to start it');
  const port = current.port;
  const watch = (worker: Worker) => {
    worker.once('error', (error: Error & { code?: string }) => {
      if (closing || error.code !== 'ERR_WORKER_OUT_OF_MEMORY') {
        if (!closing) process.stderr.write(`The dashboard server stopped: ${error.message}\n`);
        return;
      }
      process.stderr.write(`The dashboard's heap cap (${limit} MiB) is too small for this logdir: restarting it with ${limit * 2} MiB (--max-heap)\n`);
      limit *= 2;
      void startGrowing({ ...o, port }, 'to restart it').then(
        (next) => {
          current = next;
          watch(next.worker);
        },
        (restartError: Error) => process.stderr.write(`The dashboard server could not restart: ${restartError.message}\n`),
      );
    });
  };
  watch(current.worker);
  return {
    url: current.url,
    port,
    close() {
      closing ??= new Promise<void>((done) => {
        const worker = current.worker;
        worker.once('exit', () => done());
        worker.postMessage('close');
      });
      return closing;
    },
  };
}

function startWorker(o: DashboardOptions, limit: number): Promise<{ worker: Worker; url: string; port: number }> {
  const worker = startServerWorker('dashboard-worker', {
    workerData: o,
    resourceLimits: { maxOldGenerationSizeMb: limit, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`The dashboard server's worker exited (code ${code}) before listening`));
    const onError = (error: Error) => {
      worker.off('exit', onExit);
      reject(error);
    };
    worker.once('exit', onExit);
    worker.once('error', onError);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'listening') {
        worker.off('exit', onExit);
        worker.off('error', onError);
        resolve({ worker, url: message.url, port: message.port });
      } else if (message.type === 'error') {
        worker.off('exit', onExit);
        worker.off('error', onError);
        reject(new Error(message.message));
      }
    });
  });
}
