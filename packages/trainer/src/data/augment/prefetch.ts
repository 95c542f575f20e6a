import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gatherAugmented, type AugmentedGather, type ImageSource } from './gather.js';
import type { Augmenter } from './pipeline.js';
import { BUSY, DONE, IDLE, type PrefetchShared } from './prefetch-shared.js';

/** Data sets larger than this stay on the training thread (the prefetch thread holds its own copy). */
export const PREFETCH_MAX_BYTES = 1 << 30;
/** How long the training thread waits for a batch before augmenting it itself (a thread that never started). */
const WAIT_MS = 60_000;

/** Starts the prefetch thread; run from source (tests, tsx) it registers tsx itself, as loader hooks do not reach worker threads. */
function startThread(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./prefetch-thread.js', import.meta.url), { workerData });
  const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  const code = `const { register } = await import(${JSON.stringify(api)}); register();
    await import(${JSON.stringify(new URL('./prefetch-thread.ts', import.meta.url).href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData });
}

interface Request {
  order: ArrayLike<number>;
  start: number;
  size: number;
  epoch: number;
}

/**
 * Augments the next batch in a worker thread while the training thread runs
 * the current step. `gather` is synchronous (it waits on shared memory with
 * Atomics.wait), so the training loop is unchanged: after serving batch
 * [start, start+n) it asks the thread for [start+n, start+n+size) of the same
 * order. Results are those of `gatherAugmented` on the training thread, bit for
 * bit (the same pure function); any other request, a failure or a thread that
 * does not answer is computed on the training thread instead.
 */
export class AugmentPrefetcher {
  private readonly thread: Worker;
  private readonly control: Int32Array;
  private readonly pixels: Float32Array;
  private readonly labels: Int32Array;
  private readonly targets: Float32Array;
  private pending: Request | null = null;
  /** Batches the thread computed (the others were computed on the training thread). */
  served = 0;
  private broken = false;

  constructor(
    private readonly data: ImageSource, private readonly lut: Float32Array, private readonly augmenter: Augmenter, private readonly classes: number, maxBatch: number,
  ) {
    const per = data.height * data.width * data.channels;
    const shared: PrefetchShared = {
      control: new SharedArrayBuffer(3 * 4),
      pixels: new SharedArrayBuffer(maxBatch * per * 4),
      labels: new SharedArrayBuffer(maxBatch * 4),
      targets: new SharedArrayBuffer(maxBatch * classes * 4),
    };
    this.control = new Int32Array(shared.control);
    this.pixels = new Float32Array(shared.pixels);
    this.labels = new Int32Array(shared.labels);
    this.targets = new Float32Array(shared.targets);
    const { name, images, labels, count, height, width, channels } = data;
    this.thread = startThread({
      data: { name, images, labels, count, height, width, channels }, lut, plan: augmenter.plan, seed: augmenter.seed, fill: Array.from(augmenter.fill), classes, shared,
    });
    this.thread.on('error', () => (this.broken = true));
    this.thread.unref();
  }

  /** Whether requests go to the thread (false after it failed or did not answer). */
  get active(): boolean {
    return !this.broken;
  }

  gather(order: ArrayLike<number>, start: number, size: number, epoch: number): AugmentedGather {
    const p = this.pending;
    const hit = p !== null && p.order === order && p.start === start && p.size === size && p.epoch === epoch;
    if (!hit) {
      this.settle();
      this.request({ order, start, size, epoch });
    }
    const result = this.take() ?? gatherAugmented(this.data, this.lut, this.augmenter, this.classes, order, start, size, epoch);
    const next = start + result.n;
    if (next < order.length) this.request({ order, start: next, size, epoch });
    return result;
  }

  close(): void {
    this.pending = null;
    void this.thread.terminate();
  }

  private request(r: Request): void {
    if (this.broken || r.start < 0 || r.start >= r.order.length) return;
    const n = Math.min(r.size, r.order.length - r.start);
    if (n * this.data.height * this.data.width * this.data.channels > this.pixels.length) return;
    const indices = new Uint32Array(n);
    for (let b = 0; b < n; b++) indices[b] = r.order[r.start + b]!;
    Atomics.store(this.control, 0, BUSY);
    this.pending = r;
    this.thread.postMessage({ indices, epoch: r.epoch });
  }

  /** Waits for the pending request; false when the thread failed or did not answer in time (then it is not used again). */
  private wait(): boolean {
    if (Atomics.wait(this.control, 0, BUSY, WAIT_MS) === 'timed-out') this.broken = true;
    return !this.broken && Atomics.load(this.control, 0) === DONE;
  }

  /** Lets a request nobody wants finish, so the shared buffers can be written again. */
  private settle(): void {
    if (this.pending) this.wait();
    this.pending = null;
    Atomics.store(this.control, 0, IDLE);
  }

  private take(): AugmentedGather | null {
    if (!this.pending) return null;
    const ok = this.wait();
    this.pending = null;
    Atomics.store(this.control, 0, IDLE);
    if (!ok) return null;
    this.served++;
    const n = this.control[1]!, per = this.data.height * this.data.width * this.data.channels;
    return {
      n,
      pixels: this.pixels.slice(0, n * per),
      labels: this.labels.slice(0, n),
      targets: this.control[2] ? this.targets.slice(0, n * this.classes) : null,
    };
  }
}
