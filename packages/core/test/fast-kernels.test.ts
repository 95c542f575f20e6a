import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/index.js';

/** Runs `f` on the cpu backend and on wasm (with cnnlab's replacements) and returns the largest difference relative to the values' scale. */
async function compare(f: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const values = async (backend: string) => {
    await tf.setBackend(backend);
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const data = list.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    tf.dispose(list);
    return data;
  };
  const cpu = await values('cpu');
  const wasm = await values('wasm');
  let worst = 0;
  cpu.forEach((c, i) => {
    expect(wasm[i]!.shape).toEqual(c.shape);
    const scale = Math.max(1, ...c.values.map(Math.abs));
    c.values.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - wasm[i]!.values[j]!) / scale); });
  });
  return worst;
}

const rnd = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

describe('faster replacements of stock wasm kernels match the cpu backend', () => {
  it.each([
    [[7, 5], [5, 3], false, false], [[5, 7], [5, 3], true, false], [[7, 5], [3, 5], false, true], [[5, 7], [3, 5], true, true],
    [[2, 7, 5], [2, 5, 3], false, false], [[2, 5, 7], [2, 3, 5], true, true], [[256, 120], [84, 120], false, true], [[64, 256], [64, 10], true, false],
  ])('BatchMatMul %j x %j transposeA=%s transposeB=%s', async (a, b, ta, tb) => {
    expect(await compare(() => tf.matMul(rnd(a as number[], 1), rnd(b as number[], 2), ta as boolean, tb as boolean))).toBeLessThan(1e-6);
  });
});

describe('sum and mean over leading axes (per-channel statistics)', () => {
  it.each([
    [[6, 5, 4, 3], [0, 1, 2], false], [[6, 5, 4, 3], [0, 1, 2], true], [[6, 5, 4, 3], [-4, -3], false], [[7, 9], 0, true],
    [[2, 3, 4], [0, 1], false], [[6, 5, 4, 3], [1, 2], false], [[6, 5, 4, 3], [0, 1, 2, 3], false], [[6, 5, 4, 3], [0, 2], true],
    [[4, 1, 1, 8], [0, 1, 2], false], [[1, 9], 0, false], [[64, 24, 24, 32], [0, 1, 2], false],
  ])('input %j axes %j keepDims %s', async (shape, axis, keepDims) => {
    const x = () => tf.add(rnd(shape as number[], 11), 0.5);
    expect(await compare(() => [tf.sum(x(), axis as number[], keepDims as boolean), tf.mean(x(), axis as number[], keepDims as boolean)])).toBeLessThan(2e-6);
  });

  it('leaves integer sums to the stock kernel', () => {
    const s = tf.sum(tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], undefined, 'int32'), [0, 1]);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([16, 20]);
  });
});

describe('pooling gradients', () => {
  // ReLU'd and rounded inputs make ties common, as in a network: the first maximum in the window must win.
  const tied = (shape: number[], seed: number) => tf.round(tf.relu(tf.mul(rnd(shape, seed), 3)));
  it.each([
    [[2, 9, 9, 3], 2, 2, 'valid'], [[2, 9, 9, 3], 3, 2, 'same'], [[2, 8, 8, 5], 3, 1, 'same'], [[1, 10, 7, 4], 3, 3, 'valid'],
    [[2, 7, 7, 3], 3, 2, 1], [[3, 6, 6, 17], 2, 1, 'valid'],
  ])('input %j window %i stride %i padding %j, with ties', async (shape, size, stride, pad) => {
    const dyWeights = (y: tf.Tensor) => rnd(y.shape, 3);
    const err = await compare(() => tf.grad((x: tf.Tensor4D) => {
      const y = tf.maxPool(x, size as number, stride as number, pad as 'same');
      return tf.sum(tf.mul(y, dyWeights(y)));
    })(tied(shape as number[], 4) as tf.Tensor4D));
    expect(err).toBeLessThan(1e-6);
  });

  it.each([
    [[2, 8, 8, 3], 2, 2, 'valid'], [[2, 9, 9, 3], 3, 2, 'same'], [[1, 7, 10, 5], 3, 1, 'valid'], [[2, 7, 7, 4], 3, 2, 1],
  ])('average pooling: input %j window %i stride %i padding %j', async (shape, size, stride, pad) => {
    const err = await compare(() => tf.grad((x: tf.Tensor4D) => {
      const y = tf.avgPool(x, size as number, stride as number, pad as 'same');
      return tf.sum(tf.mul(y, rnd(y.shape, 8)));
    })(rnd(shape as number[], 7) as tf.Tensor4D));
    expect(err).toBeLessThan(1e-6);
  });

  it('routes the gradient past -inf padding (PyTorch-style padded pooling)', async () => {
    const err = await compare(() => tf.grad((x: tf.Tensor4D) => {
      const y = tf.maxPool(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity), 3, 2, 'valid');
      return tf.sum(tf.mul(y, rnd(y.shape, 6)));
    })(rnd([2, 8, 8, 4], 5) as tf.Tensor4D));
    expect(err).toBeLessThan(1e-6);
  });
});

describe('batch-norm gradient without tiling', () => {
  it('equals the gradient of the same formula written with primitive ops', async () => {
    const x = rnd([6, 4, 4, 3], 5), mean = rnd([3], 6), variance = tf.add(rnd([3], 7), 1.5), scale = rnd([3], 8), offset = rnd([3], 9);
    const weights = rnd([6, 4, 4, 3], 10);
    const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, weights)) as tf.Scalar;
    const fused = tf.grads((a, m, v, s, o) => loss(tf.batchNorm(a, m, v, o, s, 1e-3)))([x, mean, variance, scale, offset]);
    const manual = tf.grads((a, m, v, s, o) => loss(tf.add(tf.mul(tf.div(tf.sub(a, m), tf.sqrt(tf.add(v, 1e-3))), s), o)))([x, mean, variance, scale, offset]);
    fused.forEach((g, i) => {
      const err = tf.max(tf.abs(tf.sub(g, manual[i]!))).dataSync()[0]!;
      expect(err, `input ${i}`).toBeLessThan(1e-4 * Math.max(1, tf.max(tf.abs(manual[i]!)).dataSync()[0]!));
    });
  });
});
