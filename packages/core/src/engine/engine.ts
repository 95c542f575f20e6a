import * as tf from '@tensorflow/tfjs';
import { registerFastGradients } from './gradients.js';
import { registerWasmTrainingKernels, wasmKernelSet } from './wasm/register.js';
import { defaultWasmThreads, registerThreadedWasm, validateThreads, type ThreadedWasmOutcome } from './wasm/threads.js';
import { BACKEND_CHOICES, engineOrder, type BackendChoice } from './order.js';
import {
  DEVICE_CHOICES, loadTorchModule, probeTorchEngine, TORCH_INSTALL, TORCH_INSTALL_LINES, TORCH_PACKAGE,
  type DeviceChoice, type TorchBackendInfo, type TorchProbe,
} from './torch.js';

export { BACKEND_CHOICES, type BackendChoice };

export interface EngineInfo {
  /** The tfjs backend name in use: `torch` (libtorch), `tensorflow` (libtensorflow), `wasm` or `cpu`. */
  backend: string;
  /** The choice it was selected from. */
  requested: BackendChoice;
  /** Where tensors live and kernels run. */
  device: 'cpu' | 'cuda';
  /** torch only: the libtorch version the addon runs on. */
  libtorchVersion?: string;
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
  /** Default `CNNLAB_BACKEND`, else `auto`. */
  backend?: BackendChoice;
  /** Default `CNNLAB_DEVICE`, else `auto` (CUDA where an engine has it, else the CPU). */
  device?: DeviceChoice;
  /** Compute threads (wasm: worker threads; torch: at::set_num_threads), 1–8; default `CNNLAB_THREADS`, else every core. Fixed once per process. */
  threads?: number;
}

interface Candidate {
  choice: Exclude<BackendChoice, 'auto'>;
  packageName: string;
  install: string;
  load(request: { threads: number; device: DeviceChoice }): Promise<Loaded>;
}

/** What a candidate reports once loaded; `initEngine` adds the rest of EngineInfo. */
type Loaded = Pick<EngineInfo, 'backend' | 'threads' | 'simd' | 'gpu' | 'device' | 'libtorchVersion' | 'wasmKernels' | 'threadsNote'>;

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
      return { backend: 'tensorflow', threads: nativeThreads(), simd: null, gpu: true, device: 'cuda' };
    },
  },
  {
    choice: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    install: `npm install @tensorflow/tfjs-node (${NATIVE_INSTALL_NOTE})`,
    async load() {
      await importOptional('@tensorflow/tfjs-node');
      await setBackendOrThrow('tensorflow');
      return { backend: 'tensorflow', threads: nativeThreads(), simd: null, gpu: false, device: 'cpu' };
    },
  },
  {
    choice: 'torch',
    packageName: TORCH_PACKAGE,
    install: TORCH_INSTALL,
    async load({ threads, device }) {
      const { module, error } = await loadTorchModule();
      if (!module) throw new Error(error);
      const probe = module.probeTorch();
      if (!probe.available) throw new Error(probe.reason ?? 'libtorch or the addon is missing');
      if (device === 'cuda' && !probe.cuda) {
        throw new Error(`libtorch ${probe.libtorchVersion ?? ''} has no CUDA (a CUDA build from pytorch.org, built against with LIBTORCH=<dir>, has)`.replace('  ', ' '));
      }
      const info = await registerTorchOnce(module, { threads, device });
      await setBackendOrThrow('torch');
      return { backend: 'torch', threads: info.threads, simd: null, gpu: info.device === 'cuda', device: info.device, libtorchVersion: info.libtorchVersion };
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
      return { backend: 'wasm', threads: actual, simd, gpu: false, device: 'cpu', wasmKernels: wasmKernelSet(), ...(threadsNote && { threadsNote }) };
    },
  },
  {
    choice: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    install: 'npm install @tensorflow/tfjs',
    async load() {
      await setBackendOrThrow('cpu');
      return { backend: 'cpu', threads: 1, simd: false, gpu: false, device: 'cpu' };
    },
  },
];

let torchRegistered: TorchBackendInfo | undefined;

/** tfjs keeps one `torch` backend per process: its device is fixed when it registers; registering again sets the thread count. */
async function registerTorchOnce(module: { registerTorchBackend(o: { threads: number; device: DeviceChoice }): Promise<TorchBackendInfo> }, request: { threads: number; device: DeviceChoice }): Promise<TorchBackendInfo> {
  if (torchRegistered && request.device !== 'auto' && request.device !== torchRegistered.device) {
    throw new Error(`the torch engine already runs on ${torchRegistered.device} in this process (asked for ${request.device}); the device is fixed once per process`);
  }
  torchRegistered = await module.registerTorchBackend(request);
  return torchRegistered;
}

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

/** `value` as a backend choice, or an error naming `what` and the choices. */
export function validateBackend(value: string, what = 'backend'): BackendChoice {
  if (!BACKEND_CHOICES.includes(value as BackendChoice)) {
    throw new Error(`Unknown ${what} "${value}". Choose one of: ${BACKEND_CHOICES.join(', ')}`);
  }
  return value as BackendChoice;
}

/** `value` as a device choice, or an error naming `what` and the choices. */
export function validateDevice(value: string, what = 'device'): DeviceChoice {
  if (!DEVICE_CHOICES.includes(value as DeviceChoice)) {
    throw new Error(`Unknown ${what} "${value}". Choose one of: ${DEVICE_CHOICES.join(', ')}`);
  }
  return value as DeviceChoice;
}

function fromEnv<T>(name: string, parse: (value: string, what: string) => T): T | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : parse(value, name);
}

/**
 * Picks and initialises the TensorFlow.js backend. `auto` tries, in the order
 * of `engineOrder`: GPU engines (torch on CUDA, tfjs-node-gpu), then torch on
 * the CPU, tfjs-node, wasm and the pure-JS `cpu` backend; each one that cannot
 * load is listed in `skipped` with the reason. An explicit choice that cannot
 * load is an error saying how to install it.
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const requested = options.backend === undefined
    ? fromEnv('CNNLAB_BACKEND', validateBackend) ?? 'auto'
    : validateBackend(options.backend);
  const device = options.device === undefined ? fromEnv('CNNLAB_DEVICE', validateDevice) ?? 'auto' : validateDevice(options.device);
  const threads = options.threads === undefined ? defaultWasmThreads() : validateThreads(options.threads);
  if (current && (requested === 'auto' || requested === current.requested || requested === choiceOf(current)) && (device === 'auto' || device === current.device)) {
    const otherThreads = options.threads !== undefined && options.threads !== current.threads && !current.threadsNote;
    if (otherThreads && current.backend === 'wasm') {
      throw new Error(`The wasm engine already runs ${current.threads} thread(s); the thread count is fixed once per process (asked for ${options.threads})`);
    }
    // torch sets libtorch's thread count again when it registers (below); the other engines ignore it.
    if (!otherThreads || current.backend !== 'torch') return current;
  }
  silenceCpuBanner();
  if (wasmKernelSet() === 'fast') registerFastGradients();
  // Probing loads libtorch (0.3–0.8 s), so only where a torch-on-CUDA slot could come first.
  const torchHasCuda = requested === 'auto' && device === 'auto' ? (await probeTorchEngine()).cuda : false;
  const skipped: string[] = [];
  for (const slot of engineOrder(requested, device, torchHasCuda)) {
    const candidate = candidates.find((c) => c.choice === slot.choice)!;
    try {
      const loaded = await candidate.load({ threads, device: slot.device });
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
      const on = slot.choice === 'torch' ? ` on ${slot.device}` : '';
      skipped.push(`${candidate.choice}${on}: ${candidate.packageName} not usable (${reason})`);
    }
  }
  throw new Error(`No TensorFlow.js backend could be initialised${device === 'auto' ? '' : ` on device ${device}`}:\n${skipped.join('\n')}`);
}

function choiceOf(info: EngineInfo): BackendChoice {
  if (info.backend === 'tensorflow') return info.gpu ? 'tensorflow-gpu' : 'tensorflow';
  return info.backend as BackendChoice;
}

/** The engine chosen by `initEngine`, or undefined before it ran. */
export function engineInfo(): EngineInfo | undefined {
  return current;
}

/** One line for logs and reports: "wasm (SIMD, 1 thread)", "torch (libtorch 1.13.1, 2 threads)". */
export function describeEngine(info: EngineInfo): string {
  const parts = [info.simd ? 'SIMD' : null, info.libtorchVersion ? `libtorch ${info.libtorchVersion}` : null,
    `${info.threads} thread${info.threads === 1 ? '' : 's'}`, info.gpu ? (info.device === 'cuda' ? 'CUDA' : 'GPU') : null,
    info.wasmKernels === 'baseline' ? 'baseline kernels' : null].filter(Boolean);
  return `${info.backend} (${parts.join(', ')})`;
}

export interface DoctorReport {
  engine: EngineInfo;
  node: string;
  platform: string;
  optionalPackages: { name: string; installed: boolean; install: string }[];
  /** The libtorch engine: whether it loads, and if not, why and the lines that install it. */
  torch: { probe: TorchProbe; install: readonly string[] };
  gpuAdvice: string[];
}

async function isInstalled(name: string): Promise<boolean> {
  if (name === TORCH_PACKAGE) return (await loadTorchModule()).module !== null;
  try {
    await importOptional(name);
    return true;
  } catch {
    return false;
  }
}

/** What `cnnlab doctor` prints: the backend in use, why faster ones were skipped and how to install them, and what GPU training needs. */
export async function doctor(options: EngineOptions = {}): Promise<DoctorReport> {
  const engine = await initEngine(options);
  const optionalPackages = [];
  for (const choice of ['torch', 'tensorflow-gpu', 'tensorflow'] as const) {
    const c = candidates.find((k) => k.choice === choice)!;
    optionalPackages.push({ name: c.packageName, installed: await isInstalled(c.packageName), install: c.install });
  }
  const probe = await probeTorchEngine();
  const gpuAdvice: string[] = [];
  if (!engine.gpu) {
    // A CUDA build that sees no GPU needs a GPU or driver, not another libtorch (its cuda: line says which).
    if (!probe.cudaBuild) gpuAdvice.push(`CUDA training on torch needs a CUDA build of libtorch from pytorch.org: LIBTORCH=<its dir> npm rebuild ${TORCH_PACKAGE}, then --device cuda.`);
    if (!optionalPackages[1]!.installed) gpuAdvice.push(`${gpuAdvice.length ? 'Or tfjs-node-gpu' : 'tfjs-node-gpu'}: ${candidates[0]!.install}.`);
    if (process.platform !== 'linux') gpuAdvice.push('tfjs-node-gpu supports Linux x86_64 with CUDA only.');
    if (!process.env.CUDA_PATH && !process.env.LD_LIBRARY_PATH?.includes('cuda')) gpuAdvice.push('No CUDA libraries found on LD_LIBRARY_PATH/CUDA_PATH.');
  }
  return { engine, node: process.version, platform: `${process.platform}-${process.arch}`, optionalPackages, torch: { probe, install: probe.available ? [] : TORCH_INSTALL_LINES }, gpuAdvice };
}
