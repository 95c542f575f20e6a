/**
 * SGD through one native kernel on torch (CnnlabSgdStep) against the same optimizer written with tfjs ops on the
 * cpu backend: weights and momentum buffers over three steps, for each SGD variant the trainer offers.
 */
import { describe, expect, it } from 'vitest';
import { initEngine, tf } from '@cnnlab/core';
import { torchSuite } from '../../../test-support/torch.js';
import { DEFAULT_OPTIMIZER, Optimizer, SGD_STEP_KERNEL, type OptimizerConfig } from '../src/optim/optimizers.js';

const suite = await torchSuite('the fused SGD tests');

const SHAPES = [[3, 3, 2, 4], [4], [7, 5]];
const values = (size: number, seed: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 97 + i * 1.3) * 0.8);

/** Final weights and optimizer slots after three steps with fixed gradients on the active backend, and the kernels run. */
async function run(config: OptimizerConfig): Promise<{ tensors: Float32Array[]; kernels: string[] }> {
  const vars = SHAPES.map((s, i) => tf.variable(tf.tensor(values(tf.util.sizeFromShape(s), i + 1), s)));
  const optimizer = new Optimizer(config, vars);
  const kernels: string[] = [];
  for (let step = 0; step < 3; step++) {
    const grads = SHAPES.map((s, i) => tf.tensor(values(tf.util.sizeFromShape(s), 10 * step + i + 5), s));
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => optimizer.apply(grads, 0.1 * (step + 1)));
    expect(tf.memory().numTensors).toBe(before - grads.length);
    kernels.push(...profile.kernels.map((k) => k.name));
  }
  const state = optimizer.getState();
  const tensors = [...vars.map((v) => v.dataSync() as Float32Array), ...state.slots.flatMap((s) => s.values)];
  optimizer.dispose();
  tf.dispose(vars);
  return { tensors, kernels };
}

describe.runIf(suite.run)('SGD on torch runs as one kernel with the same update as tfjs ops', () => {
  it.each([
    ['plain', {}],
    ['momentum', { momentum: 0.9 }],
    ['momentum + weight decay', { momentum: 0.9, weightDecay: 0.01 }],
    ['nesterov + weight decay', { momentum: 0.8, nesterov: true, weightDecay: 0.05 }],
    ['weight decay, no momentum', { weightDecay: 0.1 }],
  ])('%s', async (_name, overrides) => {
    const config = { ...DEFAULT_OPTIMIZER, ...overrides };
    await initEngine({ backend: 'cpu' });
    const expected = await run(config);
    expect(expected.kernels).not.toContain(SGD_STEP_KERNEL);
    await initEngine({ backend: 'torch' });
    const actual = await run(config);
    expect(actual.kernels).toEqual([SGD_STEP_KERNEL, SGD_STEP_KERNEL, SGD_STEP_KERNEL]);
    expect(actual.tensors).toHaveLength(expected.tensors.length);
    actual.tensors.forEach((t, i) => {
      const worst = Math.max(...Array.from(t, (v, j) => Math.abs(v - expected.tensors[i]![j]!) / Math.max(1, Math.abs(expected.tensors[i]![j]!))));
      expect(worst, `tensor ${i}`).toBeLessThan(1e-6);
    });
  });
});
