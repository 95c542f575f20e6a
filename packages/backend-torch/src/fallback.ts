import * as tf from '@tensorflow/tfjs';
import type { TorchBackend } from './backend.js';

const counts = new Map<string, number>();

/** Kernel name -> times it ran on the cpu backend because torch has no native version (for that case). */
export function torchFallbacks(): ReadonlyMap<string, number> {
  return new Map(counts);
}

export function resetTorchFallbacks(): void {
  counts.clear();
}

type Inputs = tf.NamedTensorInfoMap | tf.TensorInfo[];

/** Runs tfjs's cpu kernel on copies of the inputs and copies its outputs back to torch, counting the call. */
export function runOnCpu(name: string, inputs: Inputs, attrs: tf.NamedAttrMap, backend: TorchBackend): tf.TensorInfo | tf.TensorInfo[] {
  const cpuKernel = tf.getKernel(name, 'cpu');
  if (!cpuKernel) throw new Error(`torch backend: no native or cpu kernel for ${name}`);
  counts.set(name, (counts.get(name) ?? 0) + 1);
  const cpu = tf.engine().findBackend('cpu') as tf.KernelBackend;
  const made: tf.TensorInfo[] = [];
  const toCpu = (info: tf.TensorInfo | undefined): tf.TensorInfo | undefined => {
    if (!info) return info;
    const copy = { dataId: cpu.write(backend.readSync(info.dataId), info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
    made.push(copy);
    return copy;
  };
  const cpuInputs = Array.isArray(inputs)
    ? inputs.map(toCpu)
    : Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, toCpu(v)]));
  try {
    const out = cpuKernel.kernelFunc({ inputs: cpuInputs as tf.NamedTensorInfoMap, attrs, backend: cpu });
    const outs = Array.isArray(out) ? out : [out];
    const back = outs.map((o) => {
      made.push(o);
      return { dataId: backend.write(cpu.readSync(o.dataId) as Float32Array, o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
    });
    return Array.isArray(out) ? back : back[0]!;
  } finally {
    for (const info of made) cpu.disposeData(info.dataId, true);
  }
}
