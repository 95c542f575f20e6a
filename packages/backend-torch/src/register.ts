import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { Aten } from './aten.js';
import { TorchBackend } from './backend.js';
import { resolveTorchDevice, type TorchDeviceRequest } from './device.js';
import { runOnCpu } from './fallback.js';
import { registerTorchGradients } from './gradients.js';
import { NotNative, type Ctx, type TorchKernelDef } from './kernels/context.js';
import { convKernels } from './kernels/conv.js';
import { withNativeNCHW } from './kernels/conv-nchw.js';
import { depthwiseKernels } from './kernels/depthwise.js';
import { spaceBatchKernels } from './kernels/space-batch.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { nnKernels } from './kernels/nn.js';
import { optimKernels } from './kernels/optim.js';
import { poolKernels } from './kernels/pool.js';
import { shapeKernels } from './kernels/shape.js';
import { loadNative, type Handle } from './native.js';

export const BACKEND_NAME = 'torch';

export interface TorchBackendOptions {
  /** libtorch's intra-op threads; default `CNNLAB_THREADS`, else every core. */
  threads?: number;
  device?: TorchDeviceRequest;
}

export interface TorchBackendInfo {
  backend: 'torch';
  device: 'cpu' | 'cuda';
  threads: number;
  libtorchVersion: string;
}

export const NATIVE_KERNELS: readonly TorchKernelDef[] = [...elementwiseKernels, ...shapeKernels, ...withNativeNCHW(convKernels), ...depthwiseKernels, ...spaceBatchKernels, ...poolKernels, ...nnKernels, ...optimKernels];

/** Names of the tfjs kernels that run on libtorch (the rest run on the cpu backend, counted by torchFallbacks). */
export function nativeKernelNames(): string[] {
  return NATIVE_KERNELS.map((k) => k.name);
}

/** One kernel context per backend instance, made once: kernels run hundreds of times a step. */
const contexts = new WeakMap<TorchBackend, Ctx>();

function contextOf(b: TorchBackend, aten: Aten): Ctx {
  let ctx = contexts.get(b);
  if (!ctx) {
    ctx = {
      a: aten, backend: b, h: (info) => b.handle(info), out: (handle, dtype) => b.makeOutput(handle, dtype),
      share: (info) => {
        b.incRef(info.dataId);
        return { dataId: info.dataId, shape: info.shape, dtype: info.dtype };
      },
    };
    contexts.set(b, ctx);
  }
  return ctx;
}

function kernelFunc(def: TorchKernelDef, aten: Aten): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const b = backend as TorchBackend;
    const ctx = contextOf(b, aten);
    try {
      return aten.scoped(() => def.body(ctx, inputs, attrs), (out) => (Array.isArray(out) ? out : [out]).map((o) => b.data.get(o.dataId)!.handle!));
    } catch (error) {
      if (error instanceof NotNative) return runOnCpu(def.name, inputs, attrs ?? {}, b);
      throw error;
    }
  };
}

let info: TorchBackendInfo | undefined;

function defaultThreads(): number {
  const fromEnv = Number(process.env.CNNLAB_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/**
 * Registers the tfjs backend 'torch' and its kernels (idempotent). Loads the
 * addon and libtorch; throws an Error saying what to install when they are
 * missing. Does not call tf.setBackend.
 */
export async function registerTorchBackend(opts: TorchBackendOptions = {}): Promise<TorchBackendInfo> {
  const native = loadNative();
  const device = resolveTorchDevice(opts.device ?? 'auto', native.cuda);
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  if (info) {
    if (info.device !== device) throw new Error(`The torch backend is registered on ${info.device}; the device is fixed once per process (asked for ${device})`);
    if (info.threads !== threads) info = { ...info, threads: native.setThreads(threads) };
    return info;
  }
  native.setDevice(device);
  const actualThreads = native.setThreads(threads);
  // Matrix products run on one OpenBLAS thread, beside libtorch's OpenMP threads rather than against them
  // (see the addon's setBlasThreads): LeNet trains 1.7x faster, AlexNet's and VGG's dense layers no slower.
  native.setBlasThreads(Number(process.env.CNNLAB_BLAS_THREADS) || 1);
  const aten = new Aten(native, device);
  tf.registerBackend(BACKEND_NAME, () => new TorchBackend(native, device));
  const nativeNames = new Set<string>();
  for (const def of NATIVE_KERNELS) {
    nativeNames.add(def.name);
    tf.registerKernel({ kernelName: def.name, backendName: BACKEND_NAME, kernelFunc: kernelFunc(def, aten) });
  }
  for (const cpuKernel of tf.getKernelsForBackend('cpu')) {
    if (nativeNames.has(cpuKernel.kernelName)) continue;
    const name = cpuKernel.kernelName;
    tf.registerKernel({ kernelName: name, backendName: BACKEND_NAME, kernelFunc: ({ inputs, attrs, backend }) => runOnCpu(name, inputs, attrs ?? {}, backend as TorchBackend) });
  }
  registerTorchGradients();
  info = { backend: 'torch', device, threads: actualThreads, libtorchVersion: native.libtorchVersion };
  return info;
}

export type { Handle };
