import * as tf from '@tensorflow/tfjs';
import { convBackpropKernels } from './conv-backprop.js';
import { depthwiseBackpropKernels } from './depthwise-backprop.js';

/** Kernels cnnlab adds to (or replaces in) tfjs-backend-wasm so that conv nets train. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [...convBackpropKernels, ...depthwiseBackpropKernels];

let registered = false;

/** Idempotent: registers cnnlab's wasm training kernels, replacing stock ones of the same name. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  for (const kernel of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(kernel.kernelName, 'wasm')) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel(kernel);
  }
  registered = true;
}
