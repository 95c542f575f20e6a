// The kernel parity grid: tfjs ops run on torch and on tfjs's cpu backend, compared.
// parity.test.ts runs it under vitest; the device kit (tools/device-kit) bundles it
// as a script that runs it on CUDA.
import * as tf from '@tensorflow/tfjs';
import { rand } from './tensors.js';

export type Case = [name: string, run: () => tf.Tensor | tf.Tensor[]];

const conv = (xs: number[], fs: number[], stride: number | [number, number], pad: 'same' | 'valid' | number, dilation = 1): Case =>
  [`conv2d x${JSON.stringify(xs)} f${JSON.stringify(fs)} s${stride} ${pad} d${dilation} (+dx, dW)`, () => {
    const x = rand(xs, 1), f = rand(fs, 2);
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad, 'NHWC', dilation), rand(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad, 'NHWC', dilation).shape, 3)));
    return [tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad, 'NHWC', dilation), ...tf.grads(loss)([x, f])];
  }];

type ConvPad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** NCHW (x [N, C, H, W], filter HWIO as always); gradients only where tfjs has them (dilation 1, its own rounding). */
const convNCHW = (xs: number[], fs: number[], stride: number | [number, number], pad: ConvPad, { dilation = 1, rounding = undefined as Rounding, grads = true } = {}): Case =>
  [`conv2d NCHW x${JSON.stringify(xs)} f${JSON.stringify(fs)} s${stride} ${JSON.stringify(pad)} d${dilation}${rounding ? ` ${rounding}` : ''}${grads ? ' (+dx, dW)' : ''}`, () => {
    const x = rand(xs, 50), f = rand(fs, 51);
    const run = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad as never, 'NCHW', dilation, rounding);
    const y = run(x, f);
    if (!grads) return y;
    const dy = rand(y.shape, 52);
    return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(run(a, b), dy)))([x, f])];
  }];

/** tfjs's NCHW fused convolution has no gradient; bias and PReLU weights run along the channels. */
const fusedNCHW = (bias: number[] | null, activation: 'relu' | 'prelu' | 'linear' | 'elu', alpha: number[] = []): Case =>
  [`fused conv2d NCHW bias${JSON.stringify(bias)} ${activation}${activation === 'prelu' ? JSON.stringify(alpha) : ''}`, () =>
    tf.fused.conv2d({ x: rand([2, 3, 7, 6], 53) as tf.Tensor4D, filter: rand([3, 3, 3, 4], 54) as tf.Tensor4D, strides: 2, pad: 'same', dataFormat: 'NCHW',
      bias: bias ? rand(bias, 55) : undefined, activation, preluActivationWeights: activation === 'prelu' ? rand(alpha, 56) : undefined })];

const depthwise = (xs: number[], fs: number[], stride: number, pad: 'same' | 'valid'): Case =>
  [`depthwiseConv2d x${JSON.stringify(xs)} f${JSON.stringify(fs)} s${stride} ${pad} (+dx, dW)`, () => {
    const x = rand(xs, 60), f = rand(fs, 61);
    const run = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
    const y = run(x, f), dy = rand(y.shape, 62);
    return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(run(a, b), dy)))([x, f])];
  }];

const pool = (kind: 'max' | 'avg', xs: number[], size: number, stride: number, pad: 'same' | 'valid'): Case =>
  [`${kind}Pool x${JSON.stringify(xs)} k${size} s${stride} ${pad} (+dx)`, () => {
    const x = rand(xs, 4);
    const f = (a: tf.Tensor) => (kind === 'max' ? tf.maxPool : tf.avgPool)(a as tf.Tensor4D, size, stride, pad);
    const y = f(x);
    return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), rand(y.shape, 5))))(x)];
  }];

const fused = (activation: 'relu' | 'linear' | 'sigmoid' | 'elu' | 'relu6' | 'leakyrelu'): Case =>
  [`fused conv2d + bias + ${activation} / fused matMul (+grads)`, () => {
    const x = rand([2, 7, 7, 3], 6), f = rand([3, 3, 3, 4], 7), b = rand([4], 8), a = rand([5, 6], 9), w = rand([6, 4], 10);
    // leakyreluAlpha explicit: tfjs's cpu FusedConv2D returns NaN without it
    const c = (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) => tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ff as tf.Tensor4D, strides: 1, pad: 'same', bias: bb, activation, leakyreluAlpha: 0.2 });
    const m = (aa: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.fused.matMul({ a: aa as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation, leakyreluAlpha: 0.2 });
    return [c(x, f, b), m(a, w, b), ...tf.grads((xx, ff, bb) => tf.sum(tf.square(c(xx!, ff!, bb!))))([x, f, b]), ...tf.grads((aa, ww, bb) => tf.sum(tf.square(m(aa!, ww!, bb!))))([a, w, b])];
  }];

export const CASES: Case[] = [
  conv([1, 5, 5, 1], [3, 3, 1, 2], 1, 'same'),
  conv([2, 8, 8, 3], [3, 3, 3, 4], 1, 'valid'),
  conv([3, 9, 9, 4], [3, 3, 4, 5], 2, 'same'),
  conv([2, 10, 10, 3], [4, 4, 3, 2], 2, 'same'),
  conv([2, 8, 8, 3], [3, 3, 3, 4], 2, 'same'), // unequal padding: 0 top, 1 bottom (ResNet's stride-2 convs on even sizes)
  conv([2, 7, 8, 3], [2, 2, 3, 2], 2, 'valid'), // the forward never reads the last row: its gradient is 0
  conv([2, 11, 11, 3], [5, 5, 3, 6], [2, 3], 'valid'),
  conv([1, 12, 12, 2], [3, 3, 2, 3], 1, 2),
  ['conv2d x[2,9,9,2] f[3,3,2,2] s1 same dilation 2 (tfjs has no gradient)', () => tf.conv2d(rand([2, 9, 9, 2], 40) as tf.Tensor4D, rand([3, 3, 2, 2], 41) as tf.Tensor4D, 1, 'same', 'NHWC', 2)],
  conv([4, 6, 6, 8], [1, 1, 8, 16], 1, 'valid'),
  conv([4, 1, 1, 8], [3, 3, 8, 6], 1, 'same'), // 1x1 maps (ResNet-18's last stage at 28x28): a matrix product with the centre tap
  conv([3, 1, 1, 5], [3, 3, 5, 4], 1, 1),
  conv([2, 1, 1, 4], [3, 3, 4, 3], 2, 'same'),
  conv([2, 1, 1, 4], [2, 2, 4, 3], 1, 'same'), // even filter: tfjs pads 0 on top, so the tap is [0, 0]
  conv([2, 23, 23, 1], [11, 11, 1, 4], 4, 'valid'),
  conv([4, 2, 2, 256], [1, 1, 256, 512], 2, 'valid'), // ResNet-18's last shortcut at 32 px: wrong through Debian 13's oneDNN (torch_compat.h)
  convNCHW([2, 3, 8, 8], [3, 3, 3, 4], 1, 'same'),
  convNCHW([2, 3, 8, 8], [3, 3, 3, 4], 2, 'same'), // unequal padding: 0 top, 1 bottom
  convNCHW([2, 3, 7, 8], [2, 2, 3, 2], 2, 'valid'), // the forward never reads the last row
  convNCHW([1, 2, 12, 12], [3, 3, 2, 3], 1, 2),
  convNCHW([2, 2, 6, 7], [3, 2, 2, 3], [2, 1], [[0, 0], [0, 0], [2, 0], [1, 3]]),
  convNCHW([1, 2, 6, 6], [3, 3, 2, 2], 2, 1, { rounding: 'ceil' }), // 3.5 rows round up: one more row of padding at the bottom; tfjs's gradient drops the rounding, so dy is larger than its output
  convNCHW([1, 2, 6, 6], [3, 3, 2, 2], 2, 1, { rounding: 'floor' }),
  convNCHW([2, 2, 9, 9], [3, 3, 2, 2], 1, 'same', { dilation: 2, grads: false }),
  convNCHW([4, 8, 6, 6], [1, 1, 8, 16], 2, 'valid'),
  convNCHW([3, 5, 1, 1], [3, 3, 5, 4], 1, 'same'),
  fusedNCHW([4], 'relu'), fusedNCHW([], 'linear'), fusedNCHW([1], 'elu'), fusedNCHW([4], 'prelu', [4]), fusedNCHW(null, 'prelu', [1]), fusedNCHW([4], 'prelu', []),
  depthwise([2, 7, 7, 3], [3, 3, 3, 2], 1, 'same'),
  depthwise([2, 8, 8, 4], [3, 3, 4, 1], 2, 'same'), // unequal padding: 0 top, 1 bottom
  depthwise([1, 9, 8, 2], [2, 3, 2, 3], 2, 'valid'),
  ['fused depthwiseConv2d + bias + relu, and + bias linear (+grads)', () => {
    const x = rand([2, 6, 6, 3], 63), f = rand([3, 3, 3, 2], 64), b = rand([6], 65);
    const run = (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor, activation: 'relu' | 'linear') =>
      tf.fused.depthwiseConv2d({ x: xx as tf.Tensor4D, filter: ff as tf.Tensor4D, strides: 2, pad: 'same', bias: bb, activation });
    return [run(x, f, b, 'relu'), ...tf.grads((xx, ff, bb) => tf.sum(tf.square(run(xx!, ff!, bb!, 'linear'))))([x, f, b])];
  }],
  ['depthwiseConv2d x[2,8,8,3] f[3,3,3,2] s1 same', () => tf.depthwiseConv2d(rand([2, 8, 8, 3], 11) as tf.Tensor4D, rand([3, 3, 3, 2], 12) as tf.Tensor4D, 1, 'same')],
  ['conv2dTranspose x[1,8,8,8] w[8,8,8,8] -> [1,4,4,8] s1 same (issue 16)', () =>
    tf.conv2dTranspose(rand([1, 8, 8, 8], 13) as tf.Tensor4D, rand([8, 8, 8, 8], 14) as tf.Tensor4D, [1, 4, 4, 8], 1, 'same')],
  ['conv2dTranspose x[2,4,4,3] w[3,3,5,3] -> [2,8,8,5] s2 same', () =>
    tf.conv2dTranspose(rand([2, 4, 4, 3], 15) as tf.Tensor4D, rand([3, 3, 5, 3], 16) as tf.Tensor4D, [2, 8, 8, 5], 2, 'same')],
  pool('max', [2, 8, 8, 3], 2, 2, 'valid'),
  pool('max', [2, 9, 9, 3], 3, 2, 'valid'),
  pool('max', [1, 7, 7, 2], 3, 2, 'same'),
  pool('max', [3, 6, 6, 4], 3, 1, 'same'),
  pool('avg', [2, 8, 8, 3], 2, 2, 'valid'), // the halving fast path (strided adds), as the next
  pool('avg', [3, 6, 10, 5], 2, 2, 'same'),
  pool('avg', [2, 7, 9, 3], 2, 2, 'valid'), // odd sizes: ATen's pool, the last row and column dropped
  pool('avg', [1, 7, 7, 2], 3, 1, 'same'),
  pool('avg', [2, 7, 7, 2], 3, 2, 'same'),
  pool('avg', [2, 8, 8, 3], 3, 2, 'same'), // unequal padding: tfjs averages the in-bounds pixels, its gradient divides by the window
  pool('avg', [1, 6, 6, 2], 2, 1, 'same'),
  pool('avg', [2, 10, 15, 3], 1, 4, 'valid'), // columns past the last window are cropped
  fused('relu'), fused('linear'), fused('sigmoid'), fused('elu'), fused('relu6'), fused('leakyrelu'),
  ['matMul transposes and batches', () => {
    const a = rand([3, 4, 5], 17), b = rand([3, 5, 6], 18), c = rand([3, 6, 5], 19), d = rand([1, 4, 6], 20);
    return [tf.matMul(a, b), tf.matMul(a, c, false, true), tf.matMul(tf.transpose(a, [0, 2, 1]), b, true, false), tf.matMul(d, c)];
  }],
  ['pad: every dimension, channels only, none at all, int32 (border slabs filled, the input copied in)', () => {
    const a = rand([2, 5, 4, 3], 43);
    return [tf.pad(a, [[1, 0], [2, 1], [0, 3], [1, 2]], 0.25), tf.pad(a, [[0, 0], [0, 0], [0, 0], [2, 1]]), tf.pad(a, [[0, 0], [0, 0], [0, 0], [0, 0]]),
      tf.cast(tf.pad(tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'), [[1, 0], [0, 2]], 7), 'float32')];
  }],
  ['batchNorm (inference) NHWC and 2-D', () => {
    const x = rand([2, 4, 4, 3], 21), x2 = rand([5, 7], 22);
    const v = tf.abs(rand([3], 23)), v2 = tf.abs(rand([7], 24));
    return [tf.batchNorm(x, rand([3], 25), v, rand([3], 26), rand([3], 27), 1e-3), tf.batchNorm(x2, rand([7], 28), v2, undefined, rand([7], 29), 1e-5)];
  }],
  ['elementwise binary with broadcasting', () => {
    const a = rand([2, 3, 4], 30), b = rand([3, 1], 31), c = tf.add(tf.abs(rand([4], 32)), 0.5);
    return [tf.add(a, b), tf.sub(b, a), tf.mul(a, c), tf.div(a, c), tf.maximum(a, b), tf.minimum(a, b), tf.pow(c, b), tf.squaredDifference(a, b),
      tf.cast(tf.equal(tf.round(tf.mul(a, 2)), tf.round(tf.mul(b, 2))), 'float32'), tf.cast(tf.greater(a, b), 'float32'), tf.cast(tf.lessEqual(a, b), 'float32'),
      tf.floorDiv(tf.tensor1d([7, -7, 9], 'int32'), tf.tensor1d([2, 2, -4], 'int32')), tf.mod(tf.tensor1d([7, -7, 5.5]), tf.tensor1d([3, 3, -2])), tf.addN([a, a, a])];
  }],
  ['elementwise unary', () => {
    const a = rand([3, 17], 33), p = tf.add(tf.abs(a), 0.1);
    return [tf.relu(a), tf.sigmoid(a), tf.tanh(a), tf.exp(a), tf.log(p), tf.sqrt(p), tf.rsqrt(p), tf.square(a), tf.neg(a), tf.abs(a), tf.reciprocal(p), tf.softplus(a),
      tf.elu(a), tf.relu6(tf.mul(a, 8)), tf.leakyRelu(a, 0.1), tf.prelu(a, rand([17], 34)), tf.step(a, 0.3), tf.clipByValue(a, -0.5, 0.25), tf.floor(tf.mul(a, 3)),
      tf.ceil(tf.mul(a, 3)), tf.round(tf.mul(a, 3)), tf.sign(a), tf.log1p(p), tf.expm1(a), tf.sin(a), tf.cos(a), tf.erf(a), tf.selu(a)];
  }],
  ['activation gradients (one-pass on torch)', () => {
    const a = rand([4, 9], 35);
    return [tf.grad((x) => tf.sum(tf.mul(tf.relu(x), a)))(a), tf.grad((x) => tf.sum(tf.mul(tf.sigmoid(x), a)))(a),
      tf.grad((x) => tf.sum(tf.mul(tf.tanh(x), a)))(a), tf.grad((x) => tf.sum(tf.mul(tf.softmax(x), a)))(a)];
  }],
  ['reductions', () => {
    const a = rand([2, 3, 4, 5], 36), i = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
    const nhwc = rand([16, 12, 12, 6], 42);
    return [tf.sum(nhwc, [0, 1, 2]), tf.sum(nhwc, [0, 1], true), tf.sum(a), tf.sum(a, [0, 1, 2]), tf.sum(a, 1, true), tf.mean(a, [1, 2]), tf.mean(a, -1, true), tf.max(a, 3), tf.min(a, [0, 2]), tf.max(a),
      tf.prod(tf.add(a, 1), 1), tf.argMax(a, 3), tf.argMin(a, 1), tf.sum(i, 1), tf.cast(tf.all(tf.greater(a, -0.9), 3), 'int32'), tf.cast(tf.any(tf.greater(a, 0.9), 1), 'int32'),
      tf.logSumExp(a, 3), tf.moments(a, [0, 1, 2]).variance];
  }],
  ['softmax, log-softmax, one-hot, softmax cross-entropy', () => {
    const a = rand([6, 10], 37), labels = tf.oneHot(tf.tensor1d([0, 3, 9, 2, 2, 7], 'int32'), 10);
    return [tf.softmax(a), tf.logSoftmax(a), labels, tf.oneHot(tf.tensor1d([1, -1, 4], 'int32'), 5, 2, -1), tf.losses.softmaxCrossEntropy(labels, a),
      tf.grad((x) => tf.losses.softmaxCrossEntropy(labels, x))(a)];
  }],
  ['shape ops: reshape, slice, concat, pad, transpose, tile, gather, stack, split, reverse', () => {
    const a = rand([2, 5, 6, 3], 38), idx = tf.tensor1d([2, 0, 2], 'int32');
    return [tf.reshape(a, [10, -1]), tf.slice(a, [0, 1, 2, 0], [2, 3, -1, 2]), tf.concat([a, a], 3), tf.concat([a, tf.slice(a, [0, 0, 0, 0], [2, 5, 6, 1])], 3),
      tf.pad(a, [[0, 0], [1, 2], [2, 1], [0, 0]], -3.5), tf.transpose(a, [0, 3, 1, 2]), tf.tile(tf.slice(a, 0, [1, 2, 2, 3]), [2, 1, 3, 1]), tf.gather(a, idx, 1),
      tf.stack([a, a], 1), ...tf.split(a, [1, 2], 3), ...tf.unstack(tf.slice(a, 0, [2, 1, 1, 3]), 3), tf.reverse(a, [1, 2]), tf.broadcastTo(tf.slice(a, 0, [1, 1, 6, 1]), [2, 3, 6, 4]),
      tf.cast(tf.cast(tf.mul(a, 4), 'int32'), 'float32'), tf.cast(tf.cast(a, 'bool'), 'float32'), tf.where(tf.greater(a, 0), a, tf.neg(a)), tf.zerosLike(a), tf.onesLike(a),
      tf.fill([2, 3], 1.5), tf.range(0, 5, 0.5), tf.range(3, 11, 2, 'int32')];
  }],
  ['expandDims, spaceToBatchND, batchToSpaceND, dilated pools', () => {
    const a = rand([2, 5, 6, 3], 66), i = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
    return [tf.expandDims(a, 0), tf.expandDims(a, -1), tf.cast(tf.expandDims(i, 1), 'float32'), tf.spaceToBatchND(a, [2, 3], [[1, 0], [2, 1]]),
      tf.batchToSpaceND(rand([12, 2, 3, 2], 67), [2, 3], [[0, 1], [1, 2]]), tf.pool(a as tf.Tensor4D, [2, 2], 'max', 'same', 2), tf.pool(a as tf.Tensor4D, [2, 2], 'avg', 'valid', [2, 1])];
  }],
  ['resizeBilinear (half-pixel and align-corners) and nearest', () => {
    const a = rand([2, 5, 4, 3], 39);
    return [tf.image.resizeBilinear(a as tf.Tensor4D, [9, 7], false, true), tf.image.resizeBilinear(a as tf.Tensor4D, [8, 8], true), tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [10, 8])];
  }],
];

/** Runs one case on the backend that is current (the caller sets it). */
export function runCase(run: Case[1]): { values: Float32Array[]; shapes: number[][] } {
  const outs = tf.tidy(() => {
    const r = run();
    return Array.isArray(r) ? r : [r];
  });
  const result = { values: outs.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>)), shapes: outs.map((t) => t.shape) };
  tf.dispose(outs);
  return result;
}
