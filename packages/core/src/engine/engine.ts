import * as tf from '@tensorflow/tfjs';
import { registerFastGradients } from './gradients.js';
import { registerWasmTrainingKernels, wasmKernelSet } from './wasm/register.js';
import { defaultWasmThreads, registerThreadedWasm, validateThreads, type ThreadedWasmOutcome } from './wasm/threads.js';

/** What a user may ask for; `auto` takes the fastest one that loads. */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface EngineInfo {
  /** The tfjs backend name in use: `tensorflow` (native), `wasm` or `cpu`. */
  backend: string;
  /** The choice it was selected from. */
  requested: BackendChoice;
  /** The npm package that provides it. */
  packageName: string;
  tfjsVersion: string;
  /** Threads the backend computes with (wasm: its XNNPACK worker pool; native: TensorFlow's pool). */
  threads: number;
  simd: boolean | null;
  gpu: boolean;
  /** One line per backend that was tried and could not be used, with the reason. */
  skipped: string[];
  /** wasm only: cnnlab's training kernels ('fast') or only the missing ones ('baseline', for benchmarks). */
  wasmKernels?: 'fast' | 'baseline';
  /** Set when fewer threads than requested are in use, saying why. */
  threadsNote?: string;
}

export interface EngineOptions {
  backend?: BackendChoice;
  /** wasm worker threads, 1–8; default `CNNLAB_THREADS`, else every core. Fixed once per process. */
  threads?: number;
}

interface Candidate {
  choice: Exclude<BackendChoice, 'auto'>;
  packageName: string;
  install: string;
  load(request: { threads: number }): Promise<Loaded>;
}

/** What a candidate reports once loaded; `initEngine` adds the rest of EngineInfo. */
type Loaded = Pick<EngineInfo, 'backend' | 'threads' | 'simd' | 'gpu' | 'wasmKernels' | 'threadsNote'>;

let threadedWasmRegistered = false;

const NATIVE_INSTALL_NOTE = 'its install downloads libtensorflow, which needs internet access beyond the npm registry';

async function importOptional(name: string): Promise<unknown> {
  // A variable specifier keeps bundlers and tsc from resolving optional peers.
  const specifier = name;
  return import(specifier);
}

const candidates: Candidate[] = [
  {
    choice: 'tensorflow-gpu',
    packageName: '@tensorflow/tfjs-node-gpu',
    install: `npm install @tensorflow/tfjs-node-gpu (needs CUDA and cuDNN; ${NATIVE_INSTALL_NOTE})`,
    async load() {
      await importOptional('@tensorflow/tfjs-node-gpu');
      await setBackendOrThrow('tensorflow');
      return { backend: 'tensorflow', threads: nativeThreads(), simd: null, gpu: true };
    },
  },
  {
    choice: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    install: `npm install @tensorflow/tfjs-node (${NATIVE_INSTALL_NOTE})`,
    async load() {
      await importOptional('@tensorflow/tfjs-node');
      await setBackendOrThrow('tensorflow');
      return { backend: 'tensorflow', threads: nativeThreads(), simd: null, gpu: false };
    },
  },
  {
    choice: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    install: 'npm install @tensorflow/tfjs-backend-wasm',
    async load({ threads }) {
      const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as Parameters<typeof registerThreadedWasm>[0] & {
        getThreadsCount(): number;
      };
      registerWasmTrainingKernels();
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const outcome: ThreadedWasmOutcome = {};
      if (threads > 1 && !simd) outcome.fallbackReason = 'the threaded build needs WebAssembly SIMD';
      else if (threads > 1 && !threadedWasmRegistered && !tf.findBackend('wasm')) {
        registerThreadedWasm(wasm, threads, outcome);
        threadedWasmRegistered = true;
      }
      await setBackendOrThrow('wasm');
      const actual = wasm.getThreadsCount();
      const threadsNote = actual < threads
        ? `${threads} threads requested, ${actual} in use${outcome.fallbackReason ? ` (${outcome.fallbackReason})` : ''}`
        : undefined;
      return { backend: 'wasm', threads: actual, simd, gpu: false, wasmKernels: wasmKernelSet(), ...(threadsNote && { threadsNote }) };
    },
  },
  {
    choice: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    install: 'npm install @tensorflow/tfjs',
    async load() {
      await setBackendOrThrow('cpu');
      return { backend: 'cpu', threads: 1, simd: false, gpu: false };
    },
  },
];

function nativeThreads(): number {
  const n = Number(process.env.TF_NUM_INTRAOP_THREADS);
  return Number.isFinite(n) && n > 0 ? n : (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

async function setBackendOrThrow(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

/** tfjs's pure-JS backend greets Node users with a banner on first use; cnnlab reports the backend itself. */
function silenceCpuBanner(): void {
  const engine = tf.engine() as unknown as {
    registry: Record<string, { firstUse?: boolean }>;
    registryFactory: Record<string, { factory: () => unknown }>;
  };
  const entry = engine.registryFactory.cpu;
  if (entry) {
    const create = entry.factory;
    entry.factory = () => Object.assign(create() as object, { firstUse: false });
  }
  const existing = engine.registry.cpu;
  if (existing) existing.firstUse = false;
}

silenceCpuBanner();

let current: EngineInfo | undefined;

/**
 * Picks and initialises the TensorFlow.js backend. `auto` tries the native
 * GPU and CPU packages (optional peers, loaded only if installed), then wasm,
 * then the pure-JS `cpu` backend. An explicit choice that cannot load is an
 * error saying how to install it.
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const requested = options.backend ?? 'auto';
  if (!BACKEND_CHOICES.includes(requested)) {
    throw new Error(`Unknown backend "${String(requested)}". Choose one of: ${BACKEND_CHOICES.join(', ')}`);
  }
  const threads = options.threads === undefined ? defaultWasmThreads() : validateThreads(options.threads);
  if (current && (requested === 'auto' || requested === current.requested || requested === choiceOf(current))) {
    if (options.threads !== undefined && current.backend === 'wasm' && options.threads !== current.threads && !current.threadsNote) {
      throw new Error(`The wasm engine already runs ${current.threads} thread(s); the thread count is fixed once per process (asked for ${options.threads})`);
    }
    return current;
  }
  silenceCpuBanner();
  if (wasmKernelSet() === 'fast') registerFastGradients();
  const order = requested === 'auto' ? candidates : candidates.filter((c) => c.choice === requested);
  const skipped: string[] = [];
  for (const candidate of order) {
    try {
      const loaded = await candidate.load({ threads });
      current = {
        ...loaded,
        requested,
        packageName: candidate.packageName,
        tfjsVersion: tf.version.tfjs,
        skipped,
      };
      return current;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (requested !== 'auto') {
        throw new Error(`Backend "${requested}" is not available: ${reason}.\nInstall it with: ${candidate.install}`);
      }
      skipped.push(`${candidate.choice}: ${candidate.packageName} not usable (${reason})`);
    }
  }
  throw new Error(`No TensorFlow.js backend could be initialised:\n${skipped.join('\n')}`);
}

function choiceOf(info: EngineInfo): BackendChoice {
  if (info.backend === 'tensorflow') return info.gpu ? 'tensorflow-gpu' : 'tensorflow';
  return info.backend as BackendChoice;
}

/** The engine chosen by `initEngine`, or undefined before it ran. */
export function engineInfo(): EngineInfo | undefined {
  return current;
}

/** One line for logs and reports: "wasm (SIMD, 1 thread)". */
export function describeEngine(info: EngineInfo): string {
  const parts = [info.simd ? 'SIMD' : null, `${info.threads} thread${info.threads === 1 ? '' : 's'}`, info.gpu ? 'GPU' : null,
    info.wasmKernels === 'baseline' ? 'baseline kernels' : null].filter(Boolean);
  return `${info.backend} (${parts.join(', ')})`;
}

export interface DoctorReport {
  engine: EngineInfo;
  node: string;
  platform: string;
  optionalPackages: { name: string; installed: boolean; install: string }[];
  gpuAdvice: string[];
}

async function isInstalled(name: string): Promise<boolean> {
  try {
    await importOptional(name);
    return true;
  } catch {
    return false;
  }
}

/** What `cnnlab doctor` prints: the backend in use and what is missing for GPU training. */
export async function doctor(options: EngineOptions = {}): Promise<DoctorReport> {
  const engine = await initEngine(options);
  const optionalPackages = [];
  for (const c of candidates.slice(0, 2)) {
    optionalPackages.push({ name: c.packageName, installed: await isInstalled(c.packageName), install: c.install });
  }
  const gpuAdvice: string[] = [];
  if (!engine.gpu) {
    if (!optionalPackages[0]!.installed) gpuAdvice.push(`GPU training needs ${candidates[0]!.install}.`);
    if (process.platform !== 'linux') gpuAdvice.push('tfjs-node-gpu supports Linux x86_64 with CUDA only.');
    if (!process.env.CUDA_PATH && !process.env.LD_LIBRARY_PATH?.includes('cuda')) gpuAdvice.push('No CUDA libraries found on LD_LIBRARY_PATH/CUDA_PATH.');
  }
  return { engine, node: process.version, platform: `${process.platform}-${process.arch}`, optionalPackages, gpuAdvice };
}
