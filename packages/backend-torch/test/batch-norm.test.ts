import { batchNorm, tf, withBuildContext } from '@cnnlab/core';
import { describe, expect, it } from 'vitest';
import { maxRelError, rand, runTorchTests, useBackend } from './support.js';

/**
 * cnnlab's training batch norm on torch (one native kernel: output, saved statistics and the moving
 * averages) against tfjs-layers' own BatchNormalization on the cpu backend: output, input and
 * parameter gradients, and the moving averages after two training steps.
 */
describe.runIf(runTorchTests)('batch norm on torch', () => {
  const run = (model: tf.LayersModel, shape: number[]) => {
    const x = tf.add(tf.mul(rand(shape, 5), 3), 1);
    const dy = rand(shape, 6);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const f = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input, { training: true }) as tf.Tensor, dy)) as tf.Scalar;
    const { grads } = tf.variableGrads(() => f(x), vars); // step 1 updates the moving averages
    const dx = tf.grad(f)(x); // step 2
    const y = model.apply(x, { training: true }) as tf.Tensor; // step 3
    return [y, dx, ...vars.map((v) => grads[v.name]!), ...model.getWeights().slice(2)].map((t) => t.dataSync() as Float32Array);
  };
  const weights = (c: number) => [rand([c], 1), tf.add(rand([c], 2), 0), rand([c], 3), tf.add(tf.abs(rand([c], 4)), 0.5)];

  // [6,5,5,4] and [8,12,12,6] take the few-channel path (narrow-channels.ts), [4,6,6,24] ATen's channels-last batch norm.
  it.each([[[6, 5, 5, 4]], [[8, 12, 12, 6]], [[4, 6, 6, 24]], [[16, 7]]])('input %j: same output, gradients and moving averages as tfjs-layers on cpu', async (shape) => {
    const c = shape.at(-1)!;
    await useBackend('cpu');
    const stock = tf.sequential({ layers: [tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, inputShape: shape.slice(1) })] });
    stock.setWeights(weights(c));
    const expected = run(stock, shape);
    await useBackend('torch');
    const fast = withBuildContext(0, () => {
      const input = tf.input({ shape: shape.slice(1) });
      return tf.model({ inputs: input, outputs: batchNorm(input) });
    });
    fast.setWeights(weights(c));
    const actual = run(fast, shape);
    const names = ['y', 'dx', 'dγ', 'dβ', 'moving mean', 'moving variance'];
    actual.forEach((a, i) => expect(maxRelError(a, expected[i]!), names[i]).toBeLessThan(1e-5));
  });
});
