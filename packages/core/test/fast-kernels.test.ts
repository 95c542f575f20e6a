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
