import { createModel, loadInstalledFamilies, tf } from '@cnnlab/core';
import { describe, expect, it } from 'vitest';
import { loadNative } from '../src/native.js';
import { runTorchTests, useBackend, values } from './support.js';

describe.runIf(runTorchTests)('memory on torch', () => {
  it('leaks neither tensors nor native memory over 10 training steps', async () => {
    await loadInstalledFamilies();
    await useBackend('torch');
    const model = createModel('regnetx32-d2l', { input: [1, 32, 32] }); // batch norm, grouped convs, pooling
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = tf.tensor4d(values(8 * 32 * 32, 1), [8, 32, 32, 1]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 8 }, (_, i) => i % 10), 'int32'), 10);
    const optimizer = tf.train.momentum(0.01, 0.9);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
      optimizer.applyGradients(grads);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
    const native = loadNative();
    for (let i = 0; i < 3; i++) step(); // optimizer slots and the allocator's cache fill up
    const before = { tensors: tf.memory().numTensors, live: native.memory().live, rss: process.memoryUsage().rss };
    for (let i = 0; i < 10; i++) step();
    const after = { tensors: tf.memory().numTensors, live: native.memory().live, rss: process.memoryUsage().rss };
    console.log(`10 steps: tensors ${before.tensors} -> ${after.tensors}, native live ${before.live} -> ${after.live} bytes, RSS ${(before.rss / 2 ** 20).toFixed(0)} -> ${(after.rss / 2 ** 20).toFixed(0)} MiB`);
    expect(after.tensors).toBe(before.tensors);
    expect(after.live).toBe(before.live);
    expect(after.rss - before.rss).toBeLessThan(64 * 2 ** 20);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }, 300_000);

  it('frees a tensor\'s native memory on dispose', async () => {
    await useBackend('torch');
    const native = loadNative();
    const live = native.memory().live;
    const t = tf.zeros([1024, 1024]);
    expect(native.memory().live - live).toBeGreaterThanOrEqual(4 * 2 ** 20);
    t.dispose();
    expect(native.memory().live).toBe(live);
  });
});
