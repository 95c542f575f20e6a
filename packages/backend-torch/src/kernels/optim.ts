import type * as tf from '@tensorflow/tfjs';
import type { Handle } from '../native.js';
import { kernel, type TorchKernelDef } from './context.js';

/** @cnnlab/trainer's optimizer looks this kernel up by name and runs its whole SGD step through it. */
export const SGD_STEP = 'CnnlabSgdStep';

export interface SgdStepAttrs {
  /** Number of variables n; the inputs are n weights, n gradients, then n momentum buffers when momentum > 0. */
  count: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** The first step starts the momentum buffers from the gradients (PyTorch's rule). */
  firstStep: boolean;
}

/**
 * The SGD update of every variable in a handful of ATen calls (`_foreach_*`), out of place: outputs are the n new
 * weights, then the n new momentum buffers. tfjs's ops take 2–5 kernels per variable, and with RegNetX32's
 * ~140 variables the optimizer alone made ~280 kernel calls a step.
 */
export const optimKernels: TorchKernelDef[] = [
  kernel(SGD_STEP, (c, inputs: tf.TensorInfo[], { count: n, lr, momentum, nesterov, weightDecay, firstStep }: SgdStepAttrs) => {
    const all = Array.from(inputs);
    const handles = (from: number) => all.slice(from, from + n).map((t) => c.h(t));
    const foreach = (op: string, ...args: unknown[]) => c.a.ts(op, ...(args as never[])) as Handle[];
    const w = handles(0);
    const g = weightDecay ? foreach('_foreach_add.List', handles(n), w, weightDecay) : handles(n);
    if (!(momentum > 0)) return foreach('_foreach_add.List', w, g, -lr).map((h) => c.out(h));
    const buffers = firstStep ? g : foreach('_foreach_add.List', foreach('_foreach_mul.Scalar', handles(2 * n), momentum), g);
    const step = nesterov ? foreach('_foreach_add.List', g, buffers, momentum) : buffers;
    const weights = foreach('_foreach_add.List', w, step, -lr).map((h) => c.out(h));
    // A first buffer that is the gradient itself (no weight decay) is returned as another reference to it.
    const newBuffers = firstStep && !weightDecay ? all.slice(n, 2 * n).map((t) => c.share(t)) : buffers.map((h) => c.out(h));
    return [...weights, ...newBuffers];
  }),
];
