import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's BackendWasm that composite kernels use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * Runs wasm's own kernels on tensor infos inside a composite kernel.
 * Calling `tf.*` ops from inside a kernel re-enters the engine and corrupts its
 * tape, so composite kernels call registered kernel functions directly and free
 * every intermediate they make.
 */
export class KernelContext {
  private readonly temps: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackend) {}

  run(kernelName: string, inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[], attrs: object = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (!kernel) throw new Error(`wasm backend has no ${kernelName} kernel`);
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend: this.backend as never });
    const info = Array.isArray(out) ? out[0]! : out;
    this.temps.push(info);
    return info;
  }

  /** A fresh output, owned by the caller (not freed by `dispose`). */
  output(shape: number[]): tf.TensorInfo {
    return this.backend.makeOutput(shape, 'float32');
  }

  /** A zero-filled intermediate freed by `dispose`. */
  temp(shape: number[]): tf.TensorInfo {
    const info = this.backend.makeOutput(shape, 'float32');
    this.backend.typedArrayFromHeap(info).fill(0);
    this.temps.push(info);
    return info;
  }

  heap(info: tf.TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(info);
  }

  /** Keeps `info` alive past `dispose` (it becomes the kernel's output). */
  keep(info: tf.TensorInfo): tf.TensorInfo {
    const i = this.temps.indexOf(info);
    if (i >= 0) this.temps.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const info of this.temps) this.backend.disposeData(info.dataId);
    this.temps.length = 0;
  }
}

/** Runs `body` with a context whose intermediates are freed afterwards, even on error. */
export function withContext<T>(backend: WasmBackend, body: (ctx: KernelContext) => T): T {
  const ctx = new KernelContext(backend);
  try {
    return body(ctx);
  } finally {
    ctx.dispose();
  }
}
