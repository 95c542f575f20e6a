import * as tf from '@tensorflow/tfjs';
import { DTYPE } from '../aten.js';
import type { Handle } from '../native.js';
import { padsOf } from './conv.js';
import { activate } from './elementwise.js';
import { NotNative, type Ctx, type TorchKernelBody, type TorchKernelDef } from './context.js';

/**
 * NCHW (`dataFormat: 'NCHW'`) convolutions: ATen's own layout, so tfjs's buffers go to ATen as they are, no
 * permutes. Same geometry as tfjs's cpu kernels: computeConv2DInfo with channelsFirst, 'same'/'valid'/numeric/
 * explicit padding, dimRoundingMode; unequal sides are padded (or cropped) explicitly, as in the NHWC path.
 * tfjs's depthwise kernels read NCHW input as NHWC (its cpu kernel ignores dataFormat), so DepthwiseConv2dNative
 * in NCHW stays on the cpu fallback, which reproduces that.
 */

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface NchwAttrs { strides: number | [number, number]; pad: Pad; dataFormat?: string; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' }
type Info = tf.backend_util.Conv2DInfo;
type Shape4 = [number, number, number, number];

export function isNCHW(dataFormat: string | undefined): boolean {
  return dataFormat === 'NCHW' || dataFormat === 'channelsFirst';
}

/** tfjs filter [fh, fw, in, out] as ATen's [out, in, fh, fw] view, and back. */
const HWIO_TO_OIHW = [3, 2, 0, 1];
const OIHW_TO_HWIO = [2, 3, 1, 0];

function nchwInfo(inShape: number[], filterShape: number[], attrs: NchwAttrs, dilations: number | [number, number]): Info {
  return tf.backend_util.computeConv2DInfo(inShape as Shape4, filterShape as Shape4, attrs.strides, dilations, attrs.pad as never,
    attrs.dimRoundingMode, false, 'channelsFirst');
}

/** ATen's symmetric padding, or the [left, right, top, bottom] that constant_pad_nd must apply first (negative crops). */
function atenPadding(info: Info): { padding: [number, number]; explicit: [number, number, number, number] | null } {
  const p = padsOf(info);
  if (p.top === p.bottom && p.left === p.right && p.top >= 0 && p.left >= 0) return { padding: [p.top, p.left], explicit: null };
  return { padding: [0, 0], explicit: [p.left, p.right, p.top, p.bottom] };
}

const stridesOf = (info: Info) => [info.strideHeight, info.strideWidth];
const dilationsOf = (info: Info) => [info.dilationHeight, info.dilationWidth];
const matchesOutput = (dy: tf.TensorInfo, info: Info) => dy.shape[2] === info.outHeight && dy.shape[3] === info.outWidth;

function conv(c: Ctx, x: tf.TensorInfo, filter: tf.TensorInfo, attrs: NchwAttrs, bias: Handle | null): Handle {
  const info = nchwInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
  const { padding, explicit } = atenPadding(info);
  const input = explicit ? c.a.t('constant_pad_nd', c.h(x), explicit, 0) : c.h(x);
  return c.a.t('convolution', input, c.a.t('permute', c.h(filter), HWIO_TO_OIHW), bias, stridesOf(info), padding, dilationsOf(info), false, [0, 0], 1);
}

/** An uninitialised NCHW tensor: ATen's convolution backward reads only the input's shape for the input gradient. */
function emptyInput(c: Ctx, shape: number[]): Handle {
  return c.a.t('empty.memory_format', shape, DTYPE.float32, null, c.a.device, null, null);
}

/** dy's first outHeight rows and outWidth columns: all that tfjs's gradient kernels read of a dy larger than the forward output. */
function outputRowsOf(c: Ctx, dy: tf.TensorInfo, info: Info): Handle {
  if (matchesOutput(dy, info)) return c.h(dy);
  return c.a.t('slice.Tensor', c.a.t('slice.Tensor', c.h(dy), 2, 0, info.outHeight, 1), 3, 0, info.outWidth, 1);
}

function backpropInput(c: Ctx, dy: tf.TensorInfo, filter: tf.TensorInfo, attrs: NchwAttrs & { inputShape: number[] }): Handle {
  // tfjs's input and filter gradients ignore dilations (its conv2d gradient requires 1).
  const info = nchwInfo(attrs.inputShape, filter.shape, attrs, 1);
  const [n, cin, h, w] = attrs.inputShape as Shape4;
  const weight = c.a.t('permute', c.h(filter), HWIO_TO_OIHW);
  const p = padsOf(info);
  if (matchesOutput(dy, info)) {
    const { padding, explicit } = atenPadding(info);
    const shape = explicit ? [n, cin, h + p.top + p.bottom, w + p.left + p.right] : [n, cin, h, w];
    const [dx] = c.a.ts('convolution_backward', c.h(dy), emptyInput(c, shape), weight, null, stridesOf(info), padding, dilationsOf(info), false, [0, 0], 1, [true, false, false]);
    return explicit ? c.a.t('constant_pad_nd', dx!, explicit.map((v) => -v), 0) : dx!;
  }
  // A dy larger than the forward output (conv2dTranspose allows one; tfjs reads only the forward output's part):
  // crop the unpadded transposed convolution (dy[i]·w[k] lands on row i·s + k·d; tfjs's dx[r] is row r + top).
  const full = c.a.t('convolution', outputRowsOf(c, dy, info), weight, null, stridesOf(info), [0, 0], dilationsOf(info), true, [0, 0], 1);
  const [, , fullH, fullW] = c.backend.native.shape(full) as Shape4;
  return c.a.t('constant_pad_nd', full, [-p.left, p.left + w - fullW, -p.top, p.top + h - fullH], 0);
}

function backpropFilter(c: Ctx, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: NchwAttrs & { filterShape: number[] }): Handle {
  const info = nchwInfo(x.shape, attrs.filterShape, attrs, 1);
  if (dy.shape[2]! < info.outHeight || dy.shape[3]! < info.outWidth) throw new NotNative('torch backend: Conv2DBackpropFilter with a dy smaller than the forward output is not native');
  const [fh, fw, cin, cout] = attrs.filterShape as Shape4;
  const { padding, explicit } = atenPadding(info);
  const input = explicit ? c.a.t('constant_pad_nd', c.h(x), explicit, 0) : c.h(x);
  const shapeOnly = c.a.t('empty.memory_format', [cout, cin, fh, fw], DTYPE.float32, null, c.a.device, null, null);
  const [, dw] = c.a.ts('convolution_backward', outputRowsOf(c, dy, info), input, shapeOnly, null, stridesOf(info), padding, dilationsOf(info), false, [0, 0], 1, [false, true, false]);
  return c.a.t('permute', dw!, OIHW_TO_HWIO);
}

/** tfjs's cpu FusedConv2D in NCHW: a 1-D bias or PReLU weight of more than one value runs along the channels ([C, 1, 1]). */
function alongChannels(c: Ctx, t: tf.TensorInfo): Handle {
  return t.shape.length === 1 && t.shape[0] !== 1 ? c.a.t('reshape', c.h(t), [t.shape[0]!, 1, 1]) : c.h(t);
}

type FusedAttrs = NchwAttrs & { activation?: string; leakyreluAlpha?: number };

const NCHW_BODIES: Record<string, TorchKernelBody> = {
  Conv2D: (c, { x, filter }, attrs: NchwAttrs) => c.out(conv(c, x, filter, attrs, null)),
  FusedConv2D: (c, { x, filter, bias, preluActivationWeights }, attrs: FusedAttrs) => {
    const perChannel = bias && bias.shape.length === 1 && bias.shape[0] === filter.shape[3] ? c.h(bias) : null;
    let y = conv(c, x, filter, attrs, perChannel);
    if (bias && !perChannel) y = c.a.t('add.Tensor', y, alongChannels(c, bias));
    return c.out(activate(c, y, attrs.activation, preluActivationWeights && alongChannels(c, preluActivationWeights), attrs.leakyreluAlpha));
  },
  Conv2DBackpropInput: (c, { dy, filter }, attrs) => c.out(backpropInput(c, dy, filter, attrs)),
  Conv2DBackpropFilter: (c, { x, dy }, attrs) => c.out(backpropFilter(c, x, dy, attrs)),
};

/** The convolution kernels with their NCHW cases run by this module; NHWC cases keep their own bodies. */
export function withNativeNCHW(kernels: readonly TorchKernelDef[]): TorchKernelDef[] {
  return kernels.map((k) => {
    const nchw = NCHW_BODIES[k.name];
    if (!nchw) return k;
    const nhwc = k.body;
    return { name: k.name, body: (c, inputs, attrs) => (isNCHW(attrs?.dataFormat) ? nchw(c, inputs, attrs) : nhwc(c, inputs, attrs)) };
  });
}
