import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/index.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Runs one kernel on a backend with the same input values; returns its output values. */
async function runOn(backend: string, kernel: string, inputs: Record<string, { shape: number[]; values: Float32Array }>, attrs: object): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
  const out = tf.engine().runKernel(kernel, tensors as never, attrs as never) as tf.Tensor;
  const result = { shape: out.shape, values: out.dataSync() as Float32Array };
  tf.dispose([out, ...Object.values(tensors)]);
  return result;
}

interface Case { kernel: string; x: number[]; k: number; stride: number; pad: Pad; depthwise?: boolean }

const shapes = [[1, 7, 7, 3], [2, 8, 8, 4], [3, 13, 11, 2]];
const pads: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [2, 1], [0, 0]]];
const cases: Case[] = [];
for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
  for (const x of shapes) for (const k of [1, 3, 5]) for (const stride of [1, 2, 3]) for (const pad of pads) {
    const depthwise = kernel.startsWith('Depthwise');
    if (depthwise && Array.isArray(pad)) continue; // tfjs depthwise takes 'same' | 'valid' | number only
    if (pad === 'valid' && (x[1]! < k || x[2]! < k)) continue;
    cases.push({ kernel, x, k, stride, pad, depthwise });
  }
}

const errors = new Map<string, { abs: number; rel: number; cases: number }>();

describe('cnnlab wasm training kernels match the cpu backend', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
    console.log('max abs error per kernel (over the grid):');
    for (const [k, e] of errors) console.log(`  ${k.padEnd(38)} cases ${String(e.cases).padStart(3)}  max abs ${e.abs.toExponential(2)}  max rel ${e.rel.toExponential(2)}`);
  });

  it.each(cases.map((c) => [`${c.kernel} x=${c.x.join('x')} k=${c.k} s=${c.stride} pad=${JSON.stringify(c.pad)}`, c] as const))('%s', async (_, c) => {
    const [n, h, w, cin] = c.x as [number, number, number, number];
    const multiplier = 2;
    const cout = c.depthwise ? cin * multiplier : 5;
    const filterShape = c.depthwise ? [c.k, c.k, cin, multiplier] : [c.k, c.k, cin, cout];
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], filterShape as [number, number, number, number], c.stride, 1, c.pad as never, undefined, c.depthwise);
    const dyShape = [n, info.outHeight, info.outWidth, cout];
    const x = { shape: c.x, values: random(size(c.x), 1) };
    const dy = { shape: dyShape, values: random(size(dyShape), 2) };
    const filter = { shape: filterShape, values: random(size(filterShape), 3) };
    const base = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const [inputs, attrs] = c.kernel.endsWith('Filter')
      ? [{ x, dy }, { ...base, filterShape }]
      : [{ dy, filter }, { ...base, inputShape: [n, h, w, cin] }];
    const expected = await runOn('cpu', c.kernel, inputs, attrs);
    const actual = await runOn('wasm', c.kernel, inputs, attrs);
    expect(actual.shape).toEqual(expected.shape);
    let maxErr = 0, scale = 1;
    for (let i = 0; i < expected.values.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(expected.values[i]! - actual.values[i]!));
      scale = Math.max(scale, Math.abs(expected.values[i]!));
    }
    const seen = errors.get(c.kernel) ?? { abs: 0, rel: 0, cases: 0 };
    errors.set(c.kernel, { abs: Math.max(seen.abs, maxErr), rel: Math.max(seen.rel, maxErr / scale), cases: seen.cases + 1 });
    // Float32 sums in a different order: errors of a few ulps of the largest value.
    expect(maxErr).toBeLessThanOrEqual(1e-5 * scale);
  });
});
