// Trains one trial at a time for a queue worker, in a worker thread: the trainer's loop is synchronous,
// so the worker's main thread stays free to renew the job's lock, report progress and handle Ctrl-C.
import { parentPort } from 'node:worker_threads';
import { loadInstalledFamilies } from '@cnnlab/core';
import { trainTo, trainingAction } from '@cnnlab/search';
import type { ThreadRequest, ThreadMessage } from './thread-protocol.js';

const port = parentPort!;
const post = (m: ThreadMessage) => port.postMessage(m);
const families = loadInstalledFamilies();

port.on('message', (request: ThreadRequest) => {
  void run(request);
});

async function run(r: ThreadRequest): Promise<void> {
  try {
    await families;
    const flag = new Int32Array(r.stop);
    // The trainer checks `aborted` before every batch; the main thread sets the flag.
    const signal = { get aborted() { return Atomics.load(flag, 0) !== 0; }, addEventListener() {}, removeEventListener() {} } as unknown as AbortSignal;
    const action = trainingAction(r.runDir, r.epochs);
    if (action !== 'skip') post({ type: 'start', action });
    const outcome = await trainTo(r.runDir, r.options, r.epochs, {
      signal,
      onEpoch: (_m, _info) => post({ type: 'epoch' }),
      ...(r.batches ? { onBatch: (p) => post({ type: 'batch', epoch: p.epoch, batch: p.batch }) } : {}),
    }, r.backend ? { backend: r.backend } : {}, r.group);
    post({ type: 'done', action: outcome.action, status: outcome.report.status, ...(outcome.error ? { error: outcome.error.message } : {}) });
  } catch (error) {
    post({ type: 'crash', message: (error as Error).message });
  }
}
