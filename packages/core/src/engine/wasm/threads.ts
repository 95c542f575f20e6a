import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * tfjs-backend-wasm ships a threaded SIMD build (XNNPACK on a pthreadpool of
 * Node worker threads) but only enables it in browsers (tensorflow/tfjs#3830),
 * and its C++ caps the pool at half of `emscripten_num_logical_cores`, which is
 * 1 on a 2-core machine. This module loads that build in Node: it writes
 * emscripten's worker script to a file (Node workers need a path, not a Blob
 * URL), reports the requested thread count to the cap, and unrefs the pool's
 * workers so that a finished script exits.
 */

/** Emscripten preallocates this many pthread workers in tfjs's threaded build. */
export const MAX_WASM_THREADS = 8;

/** `CNNLAB_THREADS`, else every core (at most 8). */
export function defaultWasmThreads(): number {
  const fromEnv = process.env.CNNLAB_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') return validateThreads(fromEnv, 'CNNLAB_THREADS');
  return Math.min(availableParallelism(), MAX_WASM_THREADS);
}

/** `value` as a thread count (a string is parsed), or an error naming `what` and the bad value. */
export function validateThreads(value: number | string, what = 'threads'): number {
  const threads = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new Error(`${what} must be a whole number from 1 to ${MAX_WASM_THREADS}, got ${JSON.stringify(value)}`);
  }
  return threads;
}

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}

type WasmModuleFactory = (config: object) => Promise<EmscriptenModule>;

/** The slice of the WebAssembly JS API used here (the project's TS libs omit the DOM's declarations). */
declare const WebAssembly: {
  instantiate(binary: Uint8Array, imports: object): Promise<{ instance: object; module: object }>;
};

const require = createRequire(import.meta.url);
const START_TIMEOUT_MS = 60_000;

function threadedBuildFiles() {
  const script = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const workerModule = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
  return { script, binary: join(dirname(script), 'tfjs-backend-wasm-threaded-simd.wasm'), workerModule };
}

/**
 * The worker script ships as a JS string whose `\n` escapes became newlines;
 * tfjs re-escapes them before making a Blob, and so do we before writing the file.
 * The file name carries a hash of its text, so versions never overwrite each other.
 */
function workerScriptPath(workerModule: string): string {
  const { wasmWorkerContents } = require(workerModule) as { wasmWorkerContents: string };
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'cnnlab-wasm-threads');
  const path = join(dir, `tfjs-wasm-${hash}.worker.cjs`);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return path;
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
  return path;
}

/** Instantiates the threaded build with the wrappers tfjs's BackendWasm expects. */
async function instantiateThreaded(threads: number): Promise<EmscriptenModule> {
  const files = threadedBuildFiles();
  const worker = workerScriptPath(files.workerModule);
  const factory = require(files.script) as WasmModuleFactory;
  // Emscripten waits forever if instantiation fails inside instantiateWasm or a
  // worker never reports back; fail instead, so that the stock build takes over.
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  const timer = setTimeout(() => fail(new Error(`the threaded build did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  const loading = factory({
    locateFile: (path: string) => (path.endsWith('.worker.js') ? worker : join(dirname(files.script), path)),
    mainScriptUrlOrBlob: files.script,
    instantiateWasm(info: { env: Record<string, unknown> }, receive: (instance: object, module: object) => void) {
      // backend.cc uses half of the logical cores, at most; report enough for `threads`.
      info.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(readFileSync(files.binary), info)
        .then(({ instance, module: compiled }) => receive(instance, compiled), fail);
      return {};
    },
  });
  const module = await Promise.race([loading, failed]).finally(() => clearTimeout(timer));
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

interface WasmPackage {
  BackendWasm: new (module: EmscriptenModule) => tf.KernelBackend & { wasm: EmscriptenModule };
  setThreadsCount(threads: number): void;
}

export interface ThreadedWasmOutcome {
  /** Why the single-threaded build is in use although more threads were asked for. */
  fallbackReason?: string;
}

/**
 * Replaces the registered `wasm` backend factory by one that loads the threaded
 * build with `threads` workers. If that fails (no SharedArrayBuffer, no
 * writable temp directory), the stock single-threaded factory runs instead and
 * `outcome.fallbackReason` says why. Must run before the backend is first used.
 */
export function registerThreadedWasm(wasmPackage: WasmPackage, threads: number, outcome: ThreadedWasmOutcome): void {
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, { factory: () => unknown; priority: number }> }).registryFactory;
  const stock = registry.wasm;
  if (!stock) throw new Error('@tensorflow/tfjs-backend-wasm did not register its backend');
  tf.removeBackend('wasm');
  wasmPackage.setThreadsCount(threads);
  tf.registerBackend('wasm', async () => {
    try {
      if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is not available');
      const module = await instantiateThreaded(threads);
      const backend = new wasmPackage.BackendWasm(module);
      // The pool's workers sleep between kernels; they must not keep Node alive.
      for (const worker of module.PThread.runningWorkers) worker.unref();
      return backend;
    } catch (error) {
      outcome.fallbackReason = error instanceof Error ? error.message : String(error);
      return stock.factory() as tf.KernelBackend;
    }
  }, stock.priority);
}
