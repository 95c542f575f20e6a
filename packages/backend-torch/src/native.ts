import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An `at::Tensor` owned by the addon; freed by `dispose` or, failing that, by the GC. */
export type Handle = { readonly __torchTensor: unique symbol };
/** A cached dispatcher operator. */
export type OpHandle = { readonly __torchOp: unique symbol };
export type Arg = Handle | null | undefined | number | boolean | string | readonly number[] | readonly boolean[] | readonly (Handle | null)[];
export type Result = Handle | null | number | boolean | Result[];
/** A recorded training step (see capture.ts). */
export type ProgramHandle = { readonly __torchProgram: unique symbol };

/** The addon's exports (native/addon.cc). */
export interface TorchNative {
  libtorchVersion: string;
  cuda: boolean;
  /** libtorch has its CUDA kernels (libtorch_cuda linked); see native/cuda_probe.h. */
  cudaBuilt: boolean;
  /** '' when the NVIDIA driver answered, else why it did not. */
  cudaDriver: string;
  /** GPU names the driver reports. */
  gpus: string[];
  op(name: string, overload?: string): OpHandle;
  call(op: OpHandle, ...args: Arg[]): Result;
  fromBuffer(values: Float32Array | Int32Array | Uint8Array, shape: readonly number[], dtype: 'float32' | 'int32' | 'bool'): Handle;
  toBuffer(t: Handle): ArrayBuffer;
  shape(t: Handle): number[];
  finish(t: Handle): number[];
  dtype(t: Handle): string;
  dispose(t: Handle): void;
  setThreads(n: number): number;
  /** Threads of an OpenBLAS libtorch uses for matrix products; false when libtorch has none (MKL). */
  setBlasThreads(n: number): boolean;
  setDevice(device: 'cpu' | 'cuda'): void;
  memory(): { live: number; peak: number; cached: number };
  emptyCache(): void;
  resetPeak(): void;
  /** Starts recording every ATen call; `inputs` are the tensors a replay will pass anew. */
  recordBegin(inputs: Handle[]): void;
  /** Ends the recording: the program, or why the calls cannot be replayed. */
  recordEnd(outputs: Handle[]): ProgramHandle | string;
  recordAbort(): void;
  /** Runs a program's calls on new inputs; returns its outputs. With `timings`, adds each call's milliseconds to its entry. */
  replay(program: ProgramHandle, inputs: Handle[], timings?: Float64Array): Handle[];
  /** The ATen op of each call of a program ('finish' for a layout fix-up); with `shapes`, followed by its tensor arguments' sizes. */
  programCalls(program: ProgramHandle, shapes?: boolean): string[];
  /** '' when two recordings are the same computation, else where they differ. */
  sameProgram(a: ProgramHandle, b: ProgramHandle): string;
  sameTensor(a: Handle, b: Handle): boolean;
  programInfo(program: ProgramHandle): { calls: number; slots: number; inputs: number; outputs: number };
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** CNNLAB_TORCH_ADDON: an addon built elsewhere (e.g. against another libtorch). */
export const ADDON_PATH = process.env.CNNLAB_TORCH_ADDON || join(packageRoot, 'build', 'Release', 'cnnlab_torch.node');
const STATUS_PATH = join(packageRoot, 'build', 'install-status.json');

export const INSTALL_HELP = [
  'apt-get install -y libtorch-dev   (Debian/Ubuntu: libtorch, its headers and g++)',
  'npm rebuild @cnnlab/backend-torch (builds the addon; or set LIBTORCH=<dir> to use a libtorch from pytorch.org)',
].join('\n');

let loaded: TorchNative | undefined;
let loadError: string | undefined;

function installReason(): string | undefined {
  if (!existsSync(STATUS_PATH)) return undefined;
  try {
    const status = JSON.parse(readFileSync(STATUS_PATH, 'utf8')) as { ok: boolean; reason?: string };
    return status.ok ? undefined : status.reason;
  } catch {
    return undefined;
  }
}

/** Loads the addon (and with it libtorch, 0.3–0.8 s) on first use; throws an Error saying what is missing. */
export function loadNative(): TorchNative {
  if (loaded) return loaded;
  if (loadError) throw new Error(loadError);
  if (!existsSync(ADDON_PATH)) {
    const why = installReason() ?? 'the addon was not built';
    loadError = `@cnnlab/backend-torch is not built: ${why}.\nInstall with:\n${INSTALL_HELP}`;
    throw new Error(loadError);
  }
  try {
    loaded = createRequire(import.meta.url)(ADDON_PATH) as TorchNative;
    return loaded;
  } catch (error) {
    loadError = `@cnnlab/backend-torch could not load ${ADDON_PATH}: ${(error as Error).message.split('\n')[0]}.\nInstall with:\n${INSTALL_HELP}`;
    throw new Error(loadError);
  }
}
