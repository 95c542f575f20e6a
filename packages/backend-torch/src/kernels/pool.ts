import * as tf from '@tensorflow/tfjs';
import { CHANNELS_LAST } from '../aten.js';
import type { Handle } from '../native.js';
import { paddedInput } from './conv.js';
import { kernel, NotNative, NCHW_TO_NHWC, NHWC_TO_NCHW, type Ctx, type TorchKernelDef } from './context.js';

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
    const p = avgInput(c, x, info);
    return c.out(c.a.t('permute', c.a.t('avg_pool2d', p.x, window(info), strides(info), p.padding, false, false, null), NCHW_TO_NHWC));
  }),
  kernel('AvgPoolGrad', (c, { dy, input }, attrs: PoolAttrs) => {
    const info = poolInfo(input, attrs);
    const p = avgInput(c, input, info);
    // tfjs's AvgPoolGrad divides by the full window even where the forward pass averaged fewer
    // in-bounds pixels ('same' padding); the torch backend follows it so that all engines train alike.
    const grad = c.a.t('avg_pool2d_backward', c.a.t('permute', c.h(dy), NHWC_TO_NCHW), p.x, window(info), strides(info), p.padding, false, true, info.filterHeight * info.filterWidth);
    return c.out(c.a.t('permute', grad, NCHW_TO_NHWC));
  }),
];

/** tfjs averages over the in-bounds pixels only (ATen's count_include_pad=false), which explicit padding cannot express. */
function avgInput(c: Ctx, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo) {
  const p = poolInput(c, c.h(x), info, 0);
  if (p.explicit) throw new NotNative('torch backend: average pooling with unequal padding is not native');
  return p;
}


