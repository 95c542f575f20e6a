import * as tf from '@tensorflow/tfjs';
import { convBackpropKernels } from './conv-backprop.js';
import { depthwiseBackpropKernels } from './depthwise-backprop.js';
import { fastKernels } from './fast-kernels.js';

/** Kernels cnnlab adds to tfjs-backend-wasm so that conv nets train. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [...convBackpropKernels, ...depthwiseBackpropKernels];

/** Names of the stock wasm kernels cnnlab replaces with faster equivalents. */
export const WASM_FAST_KERNEL_NAMES = ['Conv2DBackpropInput', 'BatchMatMul', 'MaxPoolGrad', 'AvgPoolGrad', 'Sum', 'Mean'] as const;

/**
 * 'fast' (the default): cnnlab's kernels. 'baseline': only the kernels stock
 * wasm lacks (the filter gradients), everything else stock — what the
 * benchmark compares against, set with CNNLAB_WASM_KERNELS=baseline.
 */
export type WasmKernelSet = 'fast' | 'baseline';

export function wasmKernelSet(): WasmKernelSet {
  return process.env.CNNLAB_WASM_KERNELS === 'baseline' ? 'baseline' : 'fast';
}

let registered = false;

/** Idempotent: registers cnnlab's wasm training kernels and faster replacements of slow stock kernels. */
export function registerWasmTrainingKernels(set: WasmKernelSet = wasmKernelSet()): void {
  if (registered) return;
  const kernels = set === 'fast'
    ? [...WASM_TRAINING_KERNELS, ...fastKernels()]
    : WASM_TRAINING_KERNELS.filter((k) => !tf.getKernel(k.kernelName, 'wasm'));
  for (const kernel of kernels) {
    if (tf.getKernel(kernel.kernelName, 'wasm')) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel(kernel);
  }
  registered = true;
}
