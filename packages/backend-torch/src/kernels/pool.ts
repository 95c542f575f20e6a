import * as tf from '@tensorflow/tfjs';
import { CHANNELS_LAST, DTYPE } from '../aten.js';
import type { Handle } from '../native.js';
import { paddedInput } from './conv.js';
import { NARROW_CHANNELS } from './narrow-channels.js';
import { kernel, NCHW_TO_NHWC, NHWC_TO_NCHW, type Ctx, type TorchKernelDef } from './context.js';

interface PoolAttrs { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'same' | 'valid' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' }

function poolInfo(x: tf.TensorInfo, attrs: PoolAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

/** ATen pools pad at most half a window on each side; beyond that the input is padded explicitly. */
function poolInput(c: Ctx, x: Handle, info: tf.backend_util.Conv2DInfo, value: number) {
  const p = paddedInput(c, x, info, value);
  if (p.padding[0] * 2 <= info.filterHeight && p.padding[1] * 2 <= info.filterWidth) return p;
  const nchw = c.a.t('permute', x, NHWC_TO_NCHW);
  const [t, l] = p.padding;
  const explicit: [number, number, number, number] = [l, l, t, t];
  return { x: c.a.t('contiguous', c.a.t('constant_pad_nd', nchw, explicit, value), CHANNELS_LAST), padding: [0, 0] as [number, number], explicit };
}

/** Gradient w.r.t. an explicitly padded input, cropped back to the input. */
function unpad(c: Ctx, grad: Handle, explicit: [number, number, number, number] | null): Handle {
  return explicit ? c.a.t('constant_pad_nd', grad, explicit.map((v) => -v), 0) : grad;
}

function recordingGradients(): boolean {
  return ((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth ?? 0) > 0;
}

const window = (info: tf.backend_util.Conv2DInfo) => [info.filterHeight, info.filterWidth];
const strides = (info: tf.backend_util.Conv2DInfo) => [info.strideHeight, info.strideWidth];

/** tfjs's pools return their input for a 1x1 window whose output has the input's shape, whatever the stride and padding. */
function isIdentity(info: tf.backend_util.Conv2DInfo): boolean {
  return info.filterHeight === 1 && info.filterWidth === 1 && tf.util.arraysEqual(info.inShape, info.outShape);
}

/** tfjs's max pooling skips NaNs (a window of NaNs gives -Infinity); ATen's propagates them. */
function withoutNaNs(c: Ctx, x: Handle): Handle {
  return c.a.t('nan_to_num', x, -Infinity, Infinity, -Infinity);
}

export const poolKernels: TorchKernelDef[] = [
  kernel('MaxPool', (c, { x }, attrs: PoolAttrs) => {
    const info = poolInfo(x, attrs);
    if (isIdentity(info)) return c.share(x);
    const p = poolInput(c, withoutNaNs(c, c.h(x)), info, -Infinity);
    if (!recordingGradients()) {
      return c.out(c.a.t('permute', c.a.t('max_pool2d', p.x, window(info), strides(info), p.padding, [1, 1], false), NCHW_TO_NHWC));
    }
    // Training: keep the argmax indices with the output, as PyTorch does, for MaxPoolGrad.
    const [y, indices] = c.a.ts('max_pool2d_with_indices', p.x, window(info), strides(info), p.padding, [1, 1], false);
    const out = c.out(c.a.t('permute', y!, NCHW_TO_NHWC));
    c.backend.data.get(out.dataId)!.poolIndices = c.a.t('alias', indices!);
    c.a.keep(c.backend.data.get(out.dataId)!.poolIndices!);
    return out;
  }),
  kernel('MaxPoolGrad', (c, { dy, input, output }, attrs: PoolAttrs) => {
    const info = poolInfo(input, attrs);
    const p = poolInput(c, c.h(input), info, -Infinity);
    let indices = c.backend.data.get(output.dataId)?.poolIndices;
    if (!indices) indices = c.a.ts('max_pool2d_with_indices', poolInput(c, withoutNaNs(c, c.h(input)), info, -Infinity).x, window(info), strides(info), p.padding, [1, 1], false)[1]!;
    const grad = c.a.t('max_pool2d_with_indices_backward', c.a.t('permute', c.h(dy), NHWC_TO_NCHW), p.x, window(info), strides(info), p.padding, [1, 1], false, indices);
    return c.out(c.a.t('permute', unpad(c, grad, p.explicit), NCHW_TO_NHWC));
  }),
  kernel('AvgPool', (c, { x }, attrs: PoolAttrs) => {
    const info = poolInfo(x, attrs);
    if (isIdentity(info)) return c.share(x);
    if (isHalving(info)) return c.out(halvingAverage(c, c.h(x), info));
    const p = poolInput(c, c.h(x), info, 0);
    const y = p.explicit ? inBoundsAverage(c, p.x, p.explicit, info) : c.a.t('avg_pool2d', p.x, window(info), strides(info), p.padding, false, false, null);
    return c.out(c.a.t('permute', y, NCHW_TO_NHWC));
  }),
  kernel('AvgPoolGrad', (c, { dy, input }, attrs: PoolAttrs) => {
    const info = poolInfo(input, attrs);
    if (isHalving(info)) return c.out(halvingAverageGrad(c, c.h(dy), info));
    const p = poolInput(c, c.h(input), info, 0);
    // tfjs's AvgPoolGrad divides by the full window even where the forward pass averaged fewer
    // in-bounds pixels ('same' padding); the torch backend follows it so that all engines train alike.
    const grad = c.a.t('avg_pool2d_backward', c.a.t('permute', c.h(dy), NHWC_TO_NCHW), p.x, window(info), strides(info), p.padding, false, true, info.filterHeight * info.filterWidth);
    return c.out(c.a.t('permute', unpad(c, grad, p.explicit), NCHW_TO_NHWC));
  }),
];

/**
 * tfjs averages over the in-bounds pixels only (ATen's count_include_pad=false), which ATen cannot tell from
 * explicit padding: window sums over window counts of in-bounds pixels (0/0 = NaN where a window sees none, as in tfjs).
 */
function inBoundsAverage(c: Ctx, padded: Handle, explicit: [number, number, number, number], info: tf.backend_util.Conv2DInfo): Handle {
  const sums = c.a.t('avg_pool2d', padded, window(info), strides(info), [0, 0], false, true, 1);
  const inBounds = c.a.t('constant_pad_nd', c.a.t('ones', [1, 1, info.inHeight, info.inWidth], DTYPE.float32, null, c.a.device, null), explicit, 0);
  return c.a.t('div.Tensor', sums, c.a.t('avg_pool2d', inBounds, window(info), strides(info), [0, 0], false, true, 1));
}

/**
 * A 2x2 window, stride 2, no padding, on even sizes, each input pixel in exactly one window (LeNet's pools), on
 * few channels: from 16 on (DenseNet's transitions) ATen's pool vectorises over the channels and is as fast.
 */
function isHalving(info: tf.backend_util.Conv2DInfo): boolean {
  const { top, left, bottom, right } = info.padInfo;
  return info.inChannels < NARROW_CHANNELS && info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2
    && top === 0 && left === 0 && bottom === 0 && right === 0 && info.inHeight % 2 === 0 && info.inWidth % 2 === 0
    && info.dilationHeight === 1 && info.dilationWidth === 1;
}

/**
 * The halving average as two strided adds on the NHWC data (rows, then columns) and a scale: ATen's
 * channels_last avg_pool2d took ~6x as long on LeNet's 6-channel 28x28 maps (0.94 ms against 0.15 at batch 256).
 */
function halvingAverage(c: Ctx, x: Handle, info: tf.backend_util.Conv2DInfo): Handle {
  const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: ch } = info;
  const rows = c.a.t('reshape', x, [n, oh, 2, ow * 2 * ch]);
  const rowSums = c.a.t('add.Tensor', c.a.t('select.int', rows, 2, 0), c.a.t('select.int', rows, 2, 1));
  const cols = c.a.t('reshape', rowSums, [n, oh, ow, 2, ch]);
  const sums = c.a.t('add.Tensor', c.a.t('select.int', cols, 3, 0), c.a.t('select.int', cols, 3, 1));
  return c.a.t('mul.Scalar', sums, 0.25);
}

/** Its gradient: dy/4 copied to the four pixels of each window by two concatenations (columns, then rows). */
function halvingAverageGrad(c: Ctx, dy: Handle, info: tf.backend_util.Conv2DInfo): Handle {
  const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: ch } = info;
  const quarter = c.a.t('reshape', c.a.t('mul.Scalar', dy, 0.25), [n, oh, ow, 1, ch]);
  const cols = c.a.t('reshape', c.a.t('cat', [quarter, quarter], 3), [n, oh, 1, ow * 2 * ch]);
  return c.a.t('reshape', c.a.t('cat', [cols, cols], 2), [n, oh * 2, ow * 2, ch]);
}
