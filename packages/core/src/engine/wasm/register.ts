import * as tf from '@tensorflow/tfjs';
import { convBackpropKernels } from './conv-backprop.js';
import { depthwiseBackpropKernels } from './depthwise-backprop.js';
import { fastKernels } from './fast-kernels.js';

/** Kernels cnnlab adds to tfjs-backend-wasm so that conv nets train. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [...convBackpropKernels, ...depthwiseBackpropKernels];

/** Names of the stock wasm kernels cnnlab replaces with faster equivalents. */
export const WASM_FAST_KERNEL_NAMES = ['BatchMatMul', 'Sum', 'Mean'] as const;

let registered = false;

/** Idempotent: registers cnnlab's wasm training kernels and faster replacements of slow stock kernels. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  for (const kernel of [...WASM_TRAINING_KERNELS, ...fastKernels()]) {
    if (tf.getKernel(kernel.kernelName, 'wasm')) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel(kernel);
  }
  registered = true;
}
