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

/**
 * The kernels read dy's window from the convolution's geometry, as tfjs's cpu
 * and stock wasm kernels do; `tf.conv2dTranspose` with an output shape smaller
 * than its input passes a dy larger than that window.
 */
describe('cnnlab wasm conv backprop kernels take the output size from the geometry, not from dy', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it("tfjs-core's conv2d_transpose spec: input=8x8x8, output=4x4x8, f=8, s=1, p=same", async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(Array.from({ length: 512 }, (_, i) => i % 5), [1, 8, 8, 8]);
    const w = tf.tensor4d(Array.from({ length: 4096 }, (_, i) => i % 5), [8, 8, 8, 8]);
    const result = tf.conv2dTranspose(x, w, [1, 4, 4, 8], [1, 1], 'same');
    expect(result.shape).toEqual([1, 4, 4, 8]);
    // The spec's expected values (tfjs-core dist/ops/conv2d_transpose_test.js), whose pattern repeats
    const expected = [
      512, 533, 469, 550, 506, 512, 533, 469, 550, 506, 512, 533, 469, 550, 506,
      512, 533, 469, 550, 506, 512, 533, 469, 550, 506, 512, 533, 469, 550, 506,
      512, 533, 506, 512, 533, 469, 550, 506, 512, 533, 469, 550, 506, 512, 533,
      469, 550, 506, 512, 533, 469, 550, 506, 512, 533, 469, 550, 506, 512, 533,
      469, 550, 506, 512, 550, 506, 512, 533, 469, 550, 506, 512, 533, 469, 550,
      506, 512, 533, 469, 550, 506, 512, 533, 469, 550, 506, 512, 533, 469, 550,
      506, 512, 533, 469, 550, 506, 469, 550, 506, 512, 533, 469, 550, 506, 512,
      533, 469, 550, 506, 512, 533, 469, 550, 506, 512, 533, 469, 550, 506, 512,
      533, 469, 550, 506, 512, 533, 469, 550,
    ];
    expect(Array.from(await result.data())).toEqual(expected);
    tf.dispose([x, w, result]);
  });

  const oversized = [
    { name: 'f=8 s=1 same', input: [1, 4, 4, 8], k: 8, stride: 1, dy: [1, 8, 8, 8] },
    { name: 'f=4 s=2 same', input: [1, 8, 8, 8], k: 4, stride: 2, dy: [1, 8, 8, 8] },
    { name: 'f=3 s=2 valid', input: [2, 9, 9, 3], k: 3, stride: 2, dy: [2, 6, 5, 4] },
  ];
  it.each(oversized)('a dy larger than the geometry ($name) gives the cpu backend\'s answer for dx and dW', async (c) => {
    const [, , , cin] = c.input as [number, number, number, number];
    const cout = c.dy[3]!;
    const filterShape = [c.k, c.k, cin, cout];
    const pad = c.name.endsWith('same') ? 'same' : 'valid';
    const base = { strides: [c.stride, c.stride], pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const dy = { shape: c.dy, values: random(size(c.dy), 4) };
    const x = { shape: c.input, values: random(size(c.input), 5) };
    const filter = { shape: filterShape, values: random(size(filterShape), 6) };
    for (const [kernel, inputs, attrs] of [
      ['Conv2DBackpropInput', { dy, filter }, { ...base, inputShape: c.input }],
      ['Conv2DBackpropFilter', { x, dy }, { ...base, filterShape }],
    ] as const) {
      const expected = await runOn('cpu', kernel, inputs, attrs);
      const actual = await runOn('wasm', kernel, inputs, attrs);
      expect(actual.shape).toEqual(expected.shape);
      const scale = Math.max(1, ...expected.values.map(Math.abs));
      const maxErr = Math.max(...expected.values.map((e, i) => Math.abs(e - actual.values[i]!)));
      expect(maxErr, kernel).toBeLessThanOrEqual(1e-5 * scale);
    }
  });

  it.each(oversized)('a dy larger than the geometry ($name) gives the cpu backend\'s depthwise dx and dW', async (c) => {
    const cin = c.input[3]!;
    const filterShape = [c.k, c.k, cin, 1];
    const dyShape = [c.dy[0]!, c.dy[1]!, c.dy[2]!, cin];
    const pad = c.name.endsWith('same') ? 'same' : 'valid';
    const base = { strides: [c.stride, c.stride], pad, dilations: [1, 1] };
    const dy = { shape: dyShape, values: random(size(dyShape), 4) };
    const x = { shape: c.input, values: random(size(c.input), 5) };
    const filter = { shape: filterShape, values: random(size(filterShape), 6) };
    for (const [kernel, inputs, attrs] of [
      ['DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...base, inputShape: c.input }],
      ['DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...base, filterShape }],
    ] as const) {
      const expected = await runOn('cpu', kernel, inputs, attrs);
      const actual = await runOn('wasm', kernel, inputs, attrs);
      const scale = Math.max(1, ...expected.values.map(Math.abs));
      const maxErr = Math.max(...expected.values.map((e, i) => Math.abs(e - actual.values[i]!)));
      expect(maxErr, kernel).toBeLessThanOrEqual(1e-5 * scale);
    }
  });

  it('a dy smaller than the geometry is rejected with both sizes named', async () => {
    const dy = { shape: [1, 2, 2, 4], values: random(16, 7) };
    const filter = { shape: [3, 3, 2, 4], values: random(72, 8) };
    await expect(runOn('wasm', 'Conv2DBackpropInput', { dy, filter }, {
      strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], inputShape: [1, 4, 4, 2],
    })).rejects.toThrow(/dy is 2x2 but the convolution's output is 4x4/);
  });
});
