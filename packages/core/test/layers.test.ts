import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GroupedConv2D, batchNorm, conv, createModel, dense, globalAvgPool, imageInput, initEngine, loadModel, maxPool, registerArchitecture,
  relu, saveModel, scope, summarize, tf, withBuildContext,
} from '../src/index.js';

const rnd = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

let dir: string;
beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'cnnlab-core-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small net with every kind of layer the families use, incl. grouped conv and -inf padded max pooling. */
function tinyNet(seed = 0): tf.LayersModel {
  return withBuildContext(seed, () => {
    const input = imageInput([2, 12, 12]);
    let x = scope('stem', () => maxPool(relu(batchNorm(conv(input, { filters: 8, kernel: 3, stride: 2, padding: 1 }))), { size: 3, stride: 2, padding: 1 }));
    x = scope('grouped', () => relu(batchNorm(conv(x, { filters: 8, kernel: 3, padding: 1, groups: 4, bias: false }))));
    return tf.model({ inputs: input, outputs: dense(globalAvgPool(x), 3), name: 'tiny' });
  });
}

describe('grouped convolution', () => {
  it('equals separate convolutions over channel groups', () => {
    const layer = new GroupedConv2D({ filters: 6, kernelSize: 3, groups: 3, padding: 'same', useBias: false, seed: 1 });
    const x = tf.randomNormal([2, 5, 5, 9], 0, 1, 'float32', 2);
    const y = layer.apply(x) as tf.Tensor;
    const kernel = layer.getWeights()[0]!;
    const xs = tf.split(x, 3, 3), ks = tf.split(kernel, 3, 3);
    const expected = tf.concat(xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ks[i] as tf.Tensor4D, 1, 'same')), 3);
    expect(kernel.shape).toEqual([3, 3, 3, 6]);
    expect(tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('costs k²·cin·cout/g multiply-adds per pixel and k²·cin·cout/g weights', () => {
    const s = summarize(tinyNet());
    const row = s.rows.find((r) => r.name === 'grouped.conv1')!;
    expect(row.type).toBe('CnnlabGroupedConv2D');
    expect(row.params).toBe(3 * 3 * (8 / 4) * 8);
    expect(row.macs).toBe(3 * 3 * 3 * 3 * (8 / 4) * 8);
  });

  it('rejects channels that do not split into the groups', () => {
    expect(() => new GroupedConv2D({ filters: 6, kernelSize: 3, groups: 4 })).toThrow(/6 output channels cannot be split into 4 groups/);
    const layer = new GroupedConv2D({ filters: 8, kernelSize: 3, groups: 4, name: 'g' });
    expect(() => layer.apply(tf.input({ shape: [5, 5, 6] }))).toThrow(/6 input channels cannot be split into 4 groups/);
  });
});

describe('padding semantics follow PyTorch', () => {
  it('conv k7 s2 p3 and maxpool 3/2/1 halve 96 → 48 → 24 with symmetric padding', () => {
    const m = withBuildContext(0, () => {
      const input = imageInput([1, 96, 96]);
      const c = conv(input, { filters: 4, kernel: 7, stride: 2, padding: 3 });
      return tf.model({ inputs: input, outputs: maxPool(c, { size: 3, stride: 2, padding: 1 }) });
    });
    expect(m.outputs[0]!.shape).toEqual([null, 24, 24, 4]);
  });

  it('max pooling pads with -inf: an all-negative map keeps its negative border maxima', () => {
    const m = withBuildContext(0, () => {
      const input = imageInput([1, 4, 4]);
      return tf.model({ inputs: input, outputs: maxPool(input, { size: 3, stride: 2, padding: 1 }) });
    });
    const y = (m.predict(tf.fill([1, 4, 4, 1], -5)) as tf.Tensor).dataSync();
    expect(Array.from(y)).toEqual([-5, -5, -5, -5]);
  });
});

describe('training on wasm', () => {
  it('leaks no tensors across training steps', () => {
    const model = tinyNet(1);
    const optimizer = tf.train.momentum(0.05, 0.9);
    const x = tf.randomNormal([8, 12, 12, 2], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const step = () => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    };
    step(); // creates optimizer slots
    const counts: number[] = [];
    const losses: number[] = [];
    for (let i = 0; i < 10; i++) {
      losses.push(step());
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('gradients of a whole model equal the cpu backend', async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const model = tinyNet(7);
      const x = tf.randomNormal([4, 12, 12, 2], 0, 1, 'float32', 5);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
      const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      const out = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k.replace(/_\d+$/, ''), Array.from(g.dataSync())]));
      model.dispose();
      return out;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    for (const [name, values] of Object.entries(cpu)) {
      const scale = Math.max(1e-3, ...values.map(Math.abs));
      const err = Math.max(...values.map((v, i) => Math.abs(v - wasm[name]![i]!)));
      expect(err, name).toBeLessThan(1e-4 * scale);
    }
  });
});

describe('batch norm trains through one op with the closed-form gradient', () => {
  const bnModel = (shape: number[]) => withBuildContext(0, () => {
    const input = tf.input({ shape: shape.slice(1) });
    return tf.model({ inputs: input, outputs: batchNorm(input) });
  });

  it.each([[[6, 5, 5, 4]], [[16, 7]]])('input %j: same output, gradients and moving averages as tfjs-layers', (shape) => {
    const fast = bnModel(shape);
    const stock = tf.sequential({ layers: [tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, inputShape: shape.slice(1) })] });
    const weights = [rnd([shape.at(-1)!], 1), rnd([shape.at(-1)!], 2), rnd([shape.at(-1)!], 3), tf.add(tf.abs(rnd([shape.at(-1)!], 4)), 0.5)];
    fast.setWeights(weights);
    stock.setWeights(weights);
    const x = tf.add(tf.mul(rnd(shape, 5), 3), 1);
    const dy = rnd(shape, 6);
    const run = (model: tf.LayersModel) => {
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const f = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input, { training: true }) as tf.Tensor, dy)) as tf.Scalar;
      const { grads } = tf.variableGrads(() => f(x), vars);
      const dx = tf.grad(f)(x);
      return [model.apply(x, { training: true }) as tf.Tensor, dx, ...vars.map((v) => grads[v.name]!), ...model.getWeights().slice(2)];
    };
    const a = run(fast), b = run(stock);
    a.forEach((t, i) => expect(tf.max(tf.abs(tf.sub(t, b[i]!))).dataSync()[0], `tensor ${i}`).toBeLessThan(1e-5));
    expect(tf.max(tf.abs(tf.sub(fast.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('keeps no tensors from a training step', () => {
    const model = bnModel([5, 4, 4, 3]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = rnd([5, 4, 4, 3], 7);
    const step = () => { const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars); tf.dispose([value, ...Object.values(grads)]); };
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the first convolution skips its input gradient', () => {
  it('backprop makes no input gradient for it, and its output is unchanged', async () => {
    const model = tinyNet();
    const first = model.getLayer('stem.conv1');
    expect(first.getClassName()).toBe('Conv2D');
    const probe = tf.randomNormal([2, 12, 12, 2], 0, 1, 'float32', 4);
    const padded = tf.pad(probe, [[0, 0], [1, 1], [1, 1], [0, 0]]) as tf.Tensor4D; // the stem's padding layer
    const fused = tf.fused.conv2d({ x: padded, filter: first.getWeights()[0] as tf.Tensor4D, bias: first.getWeights()[1], strides: 2, pad: 'valid' });
    const unfused = first.apply(padded) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(fused, unfused))).dataSync()[0]).toBeLessThan(1e-5);
    const x = tf.randomNormal([4, 12, 12, 2], 0, 1, 'float32', 3);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const inputGrads = profile.kernels.filter((k) => k.name === 'Conv2DBackpropInput');
    // Only the grouped convolution (its 4 groups) needs an input gradient: the stem's feeds nothing trainable.
    expect(inputGrads.map((k) => k.inputShapes[1])).toEqual([[3, 3, 2, 2], [3, 3, 2, 2], [3, 3, 2, 2], [3, 3, 2, 2]]);
    tf.dispose(x);
  });

  it.each(['wasm', 'cpu'])('runs as one FusedConv2D whose output, filter and bias gradients are conv2d + bias\'s (%s)', async (backend) => {
    await tf.setBackend(backend);
    const first = tinyNet().getLayer('stem.conv1');
    expect(first.getWeights().map((w) => w.shape)).toEqual([[3, 3, 2, 8], [8]]);
    const [kernel, bias] = first.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = tf.randomNormal([3, 14, 14, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    const dy = tf.randomNormal(first.computeOutputShape(x.shape) as number[], 0, 1, 'float32', 6);
    const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, dy)) as tf.Scalar;
    const profile = await tf.profile(() => tf.dispose(first.apply(x) as tf.Tensor));
    expect(profile.kernels.map((k) => k.name).filter((n) => n.includes('Conv') && !n.endsWith('__op'))).toEqual(['FusedConv2D']);
    const { grads } = tf.variableGrads(() => loss(first.apply(x) as tf.Tensor), [kernel!, bias!]);
    const [dw, db] = tf.grads((w: tf.Tensor, b: tf.Tensor) => loss(tf.add(tf.conv2d(x, w as tf.Tensor4D, 2, 'valid'), b)))([kernel!, bias!]);
    expect(tf.max(tf.abs(tf.sub(grads[kernel!.name]!, dw!))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(grads[bias!.name]!, db!))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(dw!)).dataSync()[0]).toBeGreaterThan(0.1);
    const stock = tf.add(tf.conv2d(x, kernel as tf.Tensor4D, 2, 'valid'), bias!);
    expect(tf.max(tf.abs(tf.sub(first.apply(x) as tf.Tensor, stock))).dataSync()[0]).toBeLessThan(1e-5);
    await tf.setBackend('wasm');
  });
});

describe('saving and loading', () => {
  it('round-trips custom layers with identical outputs', async () => {
    const model = tinyNet(2);
    const x = tf.randomNormal([2, 12, 12, 2], 0, 1, 'float32', 9);
    const before = Array.from((model.predict(x) as tf.Tensor).dataSync());
    await saveModel(model, join(dir, 'tiny'));
    const loaded = await loadModel(join(dir, 'tiny'));
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(before);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
  });

  it('reports a missing or damaged save clearly', async () => {
    await expect(loadModel(join(dir, 'nothing'))).rejects.toThrow(/No saved model in .*nothing: model.json is missing/);
    await saveModel(tinyNet(), join(dir, 'cut'));
    writeFileSync(join(dir, 'cut', 'weights.bin'), new Uint8Array(10));
    await expect(loadModel(join(dir, 'cut'))).rejects.toThrow(/weights.bin holds 10 bytes but the manifest expects \d+/);
  });
});

describe('registry', () => {
  registerArchitecture<{ width: number }>({
    name: 'test-tiny',
    family: 'test',
    description: 'a tiny test network',
    source: 'cnnlab',
    defaults: { input: [1, 16, 16], classes: 4, options: { width: 4 } },
    build: (x, { classes, options }) => dense(globalAvgPool(relu(conv(x, { filters: options.width, kernel: 3, padding: 1 }))), classes),
  });

  it('builds with overrides and reproducible seeded weights', () => {
    const a = createModel('test-tiny', { options: { width: 6 }, classes: 5, seed: 4 });
    const b = createModel('test-tiny', { options: { width: 6 }, classes: 5, seed: 4 });
    const c = createModel('test-tiny', { options: { width: 6 }, classes: 5, seed: 5 });
    expect(a.outputs[0]!.shape).toEqual([null, 5]);
    const w = (m: tf.LayersModel) => Array.from(m.getWeights()[0]!.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    expect(a.layers.map((l) => l.name)).toEqual(b.layers.map((l) => l.name));
  });

  it('names close matches for an unknown architecture', () => {
    expect(() => createModel('test-tiyn')).toThrow(/Unknown architecture "test-tiyn". Did you mean: test-tiny\?/);
  });

  it('rejects bad inputs, classes and options before building', () => {
    expect(() => createModel('test-tiny', { input: [1, 0, 16] })).toThrow(/Invalid input shape \[1,0,16\]/);
    expect(() => createModel('test-tiny', { classes: 0 })).toThrow(/Invalid number of classes 0/);
    expect(() => createModel('test-tiny', { options: { depth: 2 } as never })).toThrow(/Unknown option "depth" for "test-tiny". Options: width/);
  });
});

describe('seeded dropout', () => {
  it('draws a new mask per call, reproducibly from its state, and is identity at inference', async () => {
    const { SeededDropout, getDropoutState, setDropoutState } = await import('../src/index.js');
    const layer = new SeededDropout({ rate: 0.5, seed: 3 });
    const x = tf.ones([1, 64]);
    setDropoutState(10);
    const a = Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    const b = Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    expect(getDropoutState()).toBe(12);
    expect(a).not.toEqual(b);
    expect(new Set(a)).toEqual(new Set([0, 2]));
    setDropoutState(10);
    expect(Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync())).toEqual(a);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual(Array(64).fill(1));
  });
});
