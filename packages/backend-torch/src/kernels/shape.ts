import * as tf from '@tensorflow/tfjs';
import { DTYPE } from '../aten.js';
import type { Handle } from '../native.js';
import { castTo } from './elementwise.js';
import { kernel, NotNative, normAxes, type Ctx, type TorchKernelDef } from './context.js';
import { isNarrow, NarrowChannels } from './narrow-channels.js';

type X = { x: tf.TensorInfo };

function reduction(name: string, op: (c: Ctx, x: Handle, axes: number[], keepDims: boolean, dtype: tf.DataType) => Handle, outDtype?: (d: tf.DataType) => tf.DataType): TorchKernelDef {
  return kernel(name, (c, { x }: X, { axis, reductionIndices, keepDims }: { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean }) => {
    const axes = normAxes(axis ?? reductionIndices, x.shape.length); // Max/Min name it reductionIndices
    const dtype = outDtype ? outDtype(x.dtype) : x.dtype;
    if (axes.length === 0) return c.out(c.a.t('clone', c.h(x)), dtype);
    return c.out(op(c, c.h(x), axes, keepDims, dtype), dtype);
  });
}

const intSum = (d: tf.DataType): tf.DataType => (d === 'float32' ? 'float32' : 'int32');

/** tfjs Slice: `size` -1 means to the end. */
export function sliceHandle(c: Ctx, x: Handle, shape: number[], begin: number[], size: number[]): Handle {
  let out = x;
  shape.forEach((dim, i) => {
    const start = begin[i] ?? 0;
    const len = size[i] === undefined || size[i] === -1 ? dim - start : size[i]!;
    if (start !== 0 || len !== dim) out = c.a.t('slice.Tensor', out, i, start, start + len, 1);
  });
  return out;
}

export const shapeKernels: TorchKernelDef[] = [
  kernel('Sum', (c, { x }: X, { axis, keepDims }: { axis?: number | number[]; keepDims: boolean }) => {
    const axes = normAxes(axis, x.shape.length);
    const dtype = intSum(x.dtype);
    if (axes.length === 0) return c.out(c.a.t('clone', c.h(x)), dtype);
    // A bias gradient over N, H, W of few channels: as a wide column sum (narrow-channels.ts).
    if (x.dtype === 'float32' && !keepDims && isNarrow(x.shape) && axes.length === x.shape.length - 1 && !axes.includes(x.shape.length - 1)) {
      const narrow = new NarrowChannels(c, x.shape);
      return c.out(narrow.sum(narrow.wide(c.h(x))), dtype);
    }
    return c.out(c.a.t('sum.dim_IntList', c.h(x), axes, keepDims, DTYPE[dtype as 'float32']), dtype);
  }),
  kernel('Mean', (c, { x }: X, { axis, keepDims }: { axis?: number | number[]; keepDims: boolean }) => {
    // tfjs's mean of int32 or bool is float32; ATen's mean takes floating types only.
    const xf = x.dtype === 'float32' ? c.h(x) : castTo(c, c.h(x), 'float32');
    const axes = normAxes(axis, x.shape.length);
    return c.out(axes.length === 0 ? c.a.t('clone', xf) : c.a.t('mean.dim', xf, axes, keepDims), 'float32');
  }),
  reduction('Max', (c, x, axes, keep) => c.a.t('amax', x, axes, keep)),
  reduction('Min', (c, x, axes, keep) => c.a.t('amin', x, axes, keep)),
  reduction('Prod', (c, x, axes, keep, d) => axes.reduceRight((t, axis) => c.a.t('prod.dim_int', t, axis, keep, DTYPE[d as 'float32']), x), intSum),
  reduction('All', (c, x, axes, keep) => c.a.t('amin', c.a.t('_to_copy', x, DTYPE.bool), axes, keep), () => 'bool'),
  reduction('Any', (c, x, axes, keep) => c.a.t('amax', c.a.t('_to_copy', x, DTYPE.bool), axes, keep), () => 'bool'),
  kernel('ArgMax', (c, { x }: X, { axis }: { axis: number | number[] }) =>
    c.out(c.a.t('argmax', c.h(x), normAxes(axis, x.shape.length)[0]!, false), 'int32')),
  kernel('ArgMin', (c, { x }: X, { axis }: { axis: number | number[] }) =>
    c.out(c.a.t('argmin', c.h(x), normAxes(axis, x.shape.length)[0]!, false), 'int32')),
  kernel('Identity', (c, { x }: X) => c.share(x)),
  kernel('Reshape', (c, { x }: X, { shape }: { shape: number[] }) => c.out(c.a.t('reshape', c.h(x), tf.util.inferFromImplicitShape(shape, tf.util.sizeFromShape(x.shape))), x.dtype)),
  // ATen's unsqueeze takes tfjs's dims, negative ones included (-1 appends an axis). Strings live in JavaScript.
  kernel('ExpandDims', (c, { input }: { input: tf.TensorInfo }, { dim }: { dim: number }) => {
    if (input.dtype === 'string') throw new NotNative('torch backend: ExpandDims of strings is not native');
    return c.out(c.a.t('unsqueeze', c.h(input), dim), input.dtype);
  }),
  kernel('Transpose', (c, { x }: X, { perm }: { perm: number[] }) => c.out(c.a.t('permute', c.h(x), perm), x.dtype)),
  kernel('Slice', (c, { x }: X, { begin, size }: { begin: number[]; size: number[] }) => {
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return c.out(c.a.t('alias', sliceHandle(c, c.h(x), x.shape, b, s)), x.dtype);
  }),
  kernel('Concat', (c, inputs: tf.TensorInfo[], { axis }: { axis: number }) => {
    const list = Array.from(inputs).filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    const rank = inputs[0]!.shape.length;
    const dim = axis < 0 ? axis + rank : axis;
    if (list.length === 0) return c.out(c.a.t('cat', Array.from(inputs, (t) => c.h(t)), dim), inputs[0]!.dtype);
    return c.out(list.length === 1 ? c.a.t('alias', c.h(list[0]!)) : c.a.t('cat', list.map((t) => c.h(t)), dim), inputs[0]!.dtype);
  }),
  kernel('Pack', (c, inputs: tf.TensorInfo[], { axis }: { axis: number }) => {
    const rank = inputs[0]!.shape.length + 1;
    return c.out(c.a.t('stack', Array.from(inputs, (t) => c.h(t)), axis < 0 ? axis + rank : axis), inputs[0]!.dtype);
  }),
  kernel('Unpack', (c, { value }: { value: tf.TensorInfo }, { axis }: { axis: number }) =>
    c.a.ts('unbind.int', c.h(value), axis < 0 ? axis + value.shape.length : axis).map((h) => c.out(h!, value.dtype))),
  kernel('SplitV', (c, { x }: X, { numOrSizeSplits, axis }: { numOrSizeSplits: number | number[]; axis: number }) => {
    const dim = normAxes(axis, x.shape.length)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, dim);
    return c.a.ts('split_with_sizes', c.h(x), sizes, dim).map((h) => c.out(h!, x.dtype));
  }),
  kernel('PadV2', (c, { x }: X, { paddings, constantValue }: { paddings: [number, number][]; constantValue: number }) =>
    c.out(paddings.every(([a, b]) => a >= 0 && b >= 0) && x.dtype in DTYPE
      ? padded(c, c.h(x), x.shape, x.dtype as keyof typeof DTYPE, paddings, constantValue)
      : c.a.t('constant_pad_nd', c.h(x), [...paddings].reverse().flat(), constantValue), x.dtype)),
  kernel('Tile', (c, { x }: X, { reps }: { reps: number[] }) => c.out(c.a.t('repeat', c.h(x), reps), x.dtype)),
  kernel('Reverse', (c, { x }: X, { dims }: { dims: number | number[] }) => c.out(c.a.t('flip', c.h(x), normAxes(dims, x.shape.length)), x.dtype)),
  kernel('BroadcastTo', (c, { x }: X, { shape }: { shape: number[] }) => {
    const padded = c.a.t('reshape', c.h(x), [...Array(shape.length - x.shape.length).fill(1), ...x.shape]);
    return c.out(c.a.t('expand', padded, shape, false), x.dtype);
  }),
  kernel('GatherV2', (c, { x, indices }: { x: tf.TensorInfo; indices: tf.TensorInfo }, { axis, batchDims }: { axis: number; batchDims: number }) => {
    if (batchDims) throw new NotNative('torch backend: GatherV2 with batchDims is not native');
    const dim = normAxes(axis, x.shape.length)[0]!;
    const flat = c.a.t('reshape', c.h(indices), [-1]);
    const picked = c.a.t('index_select', c.h(x), dim, flat);
    return c.out(c.a.t('reshape', picked, [...x.shape.slice(0, dim), ...indices.shape, ...x.shape.slice(dim + 1)]), x.dtype);
  }),
  kernel('OneHot', (c, { indices }: { indices: tf.TensorInfo }, { depth, onValue, offValue, dtype }: { depth: number; onValue: number; offValue: number; dtype: tf.DataType }) => {
    const classes = c.a.t('arange', depth, DTYPE.int32, null, c.a.device);
    const mask = c.a.t('eq.Tensor', c.a.t('unsqueeze', c.h(indices), -1), classes);
    let out = c.a.t('_to_copy', mask, DTYPE[dtype as 'float32']);
    if (onValue !== 1 || offValue !== 0) out = c.a.t('add.Scalar', c.a.t('mul.Scalar', out, onValue - offValue), offValue);
    return c.out(out, dtype);
  }),
];

/**
 * Constant padding as an uninitialised tensor, its border slabs filled and the input copied into the middle.
 * ATen 1.13's constant_pad_nd fills the whole output first, then copies: RegNetX32's eight explicit paddings
 * took 14 ms of a 118 ms inference step that way (a third of it in Python's measurement here).
 */
function padded(c: Ctx, x: Handle, shape: number[], dtype: keyof typeof DTYPE, paddings: [number, number][], value: number): Handle {
  const outShape = shape.map((n, i) => n + paddings[i]![0] + paddings[i]![1]);
  const out = c.a.t('empty.memory_format', outShape, DTYPE[dtype], null, c.a.device, null, null);
  paddings.forEach(([before, after], dim) => {
    if (before > 0) c.a.t('fill_.Scalar', c.a.t('slice.Tensor', out, dim, 0, before, 1), value);
    if (after > 0) c.a.t('fill_.Scalar', c.a.t('slice.Tensor', out, dim, before + shape[dim]!, outShape[dim]!, 1), value);
  });
  const middle = paddings.reduce((t, [before], dim) => (shape[dim] === outShape[dim] ? t : c.a.t('slice.Tensor', t, dim, before, before + shape[dim]!, 1)), out);
  c.a.t('copy_', middle, x, false);
  return out;
}
