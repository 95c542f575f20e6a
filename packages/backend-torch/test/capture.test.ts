import { createHash } from 'node:crypto';
import { captureStatus, captureStep, createModel, loadInstalledFamilies, softmaxCrossEntropy, tf } from '@cnnlab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNative } from '../src/native.js';
import { runTorchTests, useBackend, values } from './support.js';

/**
 * Step capture on torch: a training step's ATen calls are recorded on its first two runs and replayed
 * natively afterwards. The replay must give the eager step's results bit for bit (losses, gradients, batch
 * norm's moving averages), read the variables' current values, and fall back to eager execution when the
 * step is not the same computation every time.
 */
describe.runIf(runTorchTests)('step capture on torch', () => {
  afterEach(() => {
    delete process.env.CNNLAB_CAPTURE;
  });

  const batch = (step: number, n: number, hw: number) => ({
    x: tf.tensor4d(values(n * hw * hw, 100 + step), [n, hw, hw, 1]),
    y: tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7 + step) % 10), 'int32'), 10)),
  });

  /** Trains `steps` SGD steps with the forward/backward pass under captureStep; returns the losses and a digest of every weight. */
  const train = (model: tf.LayersModel, steps: number, hw: number, n = 4) => {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const losses: number[] = [];
    for (let step = 0; step < steps; step++) {
      const { x, y } = batch(step, n, hw);
      const [loss, ...grads] = captureStep(`test/${model.id}`, [x, y], () => {
        const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), vars);
        return [value, ...vars.map((v) => grads[v.name]!)];
      });
      losses.push(loss!.dataSync()[0]!);
      // An eager SGD update between steps: the replay must read the variables' new values.
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.sub(v, tf.mul(grads[i]!, 0.05)))));
      tf.dispose([x, y, loss!, ...grads]);
    }
    const digest = createHash('sha256');
    for (const w of model.weights) digest.update(Buffer.from((w.read().dataSync() as Float32Array).buffer));
    return { losses, weights: digest.digest('hex') };
  };

  const statusOf = (model: tf.LayersModel) => captureStatus().find((s) => s.key.startsWith(`test/${model.id}|`));

  it.each([['regnetx32-d2l', 32], ['resnet18-d2l', 28], ['bn-lenet', 28]])('%s: replayed steps give the eager steps\' losses and weights bit for bit', async (arch, hw) => {
    await loadInstalledFamilies();
    await useBackend('torch');
    const make = () => createModel(arch, { input: [1, hw, hw], seed: 7 });
    const captured = make();
    const withCapture = train(captured, 6, hw);
    const status = statusOf(captured)!;
    expect(status).toMatchObject({ state: 'replaying', replays: 4 });
    expect(status.calls).toBeGreaterThan(50);
    process.env.CNNLAB_CAPTURE = '0';
    const eager = make();
    const withoutCapture = train(eager, 6, hw);
    expect(statusOf(eager)).toBeUndefined();
    expect(withCapture.losses).toEqual(withoutCapture.losses);
    expect(withCapture.weights).toBe(withoutCapture.weights); // moving averages included
    captured.dispose();
    eager.dispose();
  }, 300_000);

  it('leaks neither tensors nor native memory over 10 replayed steps', async () => {
    await loadInstalledFamilies();
    await useBackend('torch');
    const model = createModel('regnetx32-d2l', { input: [1, 32, 32] });
    const native = loadNative();
    train(model, 3, 32);
    const before = { tensors: tf.memory().numTensors, live: native.memory().live };
    train(model, 10, 32);
    expect(statusOf(model)?.replays).toBe(11);
    expect({ tensors: tf.memory().numTensors, live: native.memory().live }).toEqual(before);
    model.dispose();
  }, 300_000);

  it('keeps running eagerly, saying why, a step whose runs differ (dropout) or that reads a value into JavaScript', async () => {
    await useBackend('torch');
    const input = tf.input({ shape: [8] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4 }).apply(tf.layers.dropout({ rate: 0.5 }).apply(input)) as tf.SymbolicTensor });
    const x = tf.tensor2d(values(32, 1), [4, 8]);
    const runs = (key: string, fn: () => tf.Tensor[]) => {
      for (let i = 0; i < 4; i++) tf.dispose(captureStep(key, [x], fn));
      return captureStatus().find((s) => s.key.startsWith(`${key}|`))!;
    };
    const dropout = runs('dropout', () => [tf.sum(model.apply(x, { training: true }) as tf.Tensor)]);
    expect(dropout).toMatchObject({ state: 'eager', replays: 0 });
    expect(dropout.reason).toMatch(/first two runs differ/);
    const reads = runs('reads', () => [tf.mul(x, (tf.max(x).dataSync()[0]! > 0 ? 2 : 3))]);
    expect(reads).toMatchObject({ state: 'eager', reason: 'a tensor was read into JavaScript' });
    const fine = runs('plain', () => [tf.relu(tf.matMul(x, x, false, true))]);
    expect(fine).toMatchObject({ state: 'replaying', replays: 2 });
    tf.dispose(x);
    model.dispose();
  });

  it('records a program per input shape, and recovers from an error thrown while recording', async () => {
    await useBackend('torch');
    const w = tf.variable(tf.tensor2d(values(12, 2), [3, 4]));
    const step = (x: tf.Tensor) => captureStep('shapes', [x], () => [tf.matMul(x, w)]);
    const expected = (x: tf.Tensor) => tf.matMul(x, w).dataSync();
    for (const rows of [2, 5, 2, 5, 2, 5]) {
      const x = tf.tensor2d(values(rows * 3, rows), [rows, 3]);
      const [y] = step(x);
      expect(y!.shape).toEqual([rows, 4]);
      expect(y!.dataSync()).toEqual(expected(x));
      tf.dispose([x, y!]);
    }
    expect(captureStatus().filter((s) => s.key.startsWith('shapes|')).map((s) => [s.state, s.replays])).toEqual([['replaying', 1], ['replaying', 1]]);
    const bad = tf.tensor2d(values(8, 3), [2, 4]);
    expect(() => captureStep('shapes', [bad], () => [tf.matMul(bad, w)])).toThrow(/cannot be multiplied|inner/i);
    const x = tf.tensor2d(values(6, 4), [2, 3]);
    const [y] = step(x); // a fresh recording is possible after the failed one
    expect(y!.dataSync()).toEqual(expected(x));
    tf.dispose([x, y!, bad, w]);
  });
});
