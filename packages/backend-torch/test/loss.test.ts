import { SOFTMAX_CROSS_ENTROPY_KERNEL, softmaxCrossEntropy, tf } from '@cnnlab/core';
import { describe, expect, it } from 'vitest';
import { maxRelError, rand, runTorchTests, useBackend } from './support.js';

/** The trainer's loss on torch (one native kernel each way) against tfjs's tf.losses.softmaxCrossEntropy on cpu. */
describe.runIf(runTorchTests)('softmax cross-entropy on torch', () => {
  const cases: [string, () => tf.Tensor][] = [
    ['one-hot int32 labels (tf.oneHot)', () => tf.oneHot(tf.tensor1d([3, 0, 9, 9, 1, 4, 7, 2], 'int32'), 10)],
    ['soft float labels', () => tf.softmax(tf.mul(rand([8, 10], 2), 3))],
  ];
  it.each(cases)('%s: same loss and logits gradient', async (_name, makeLabels) => {
    // Labels made inside the differentiated function, as the trainer makes them (tf.oneHot in the loss closure).
    const compute = (loss: (l: tf.Tensor, x: tf.Tensor) => tf.Scalar) => {
      const logits = tf.mul(rand([8, 10], 1), 4);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss(makeLabels(), x))(logits);
      return [value.dataSync() as Float32Array, grad.dataSync() as Float32Array];
    };
    await useBackend('cpu');
    const expected = compute((l, x) => tf.losses.softmaxCrossEntropy(l, x) as tf.Scalar);
    await useBackend('torch');
    const profile = await tf.profile(() => { compute(softmaxCrossEntropy); });
    expect(profile.kernels.map((k) => k.name)).toContain(SOFTMAX_CROSS_ENTROPY_KERNEL);
    const actual = compute(softmaxCrossEntropy);
    expect(maxRelError(actual[0]!, expected[0]!), 'loss').toBeLessThan(1e-6);
    expect(maxRelError(actual[1]!, expected[1]!), 'gradient').toBeLessThan(1e-6);
  });
});
