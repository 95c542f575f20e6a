import * as tf from '@tensorflow/tfjs';
import { CHANNELS_LAST, DTYPE } from '../aten.js';
import type { Handle } from '../native.js';
import { activate } from './elementwise.js';
import { kernel, NotNative, NCHW_TO_NHWC, NHWC_TO_NCHW, type Ctx, type TorchKernelDef } from './context.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface ConvAttrs { strides: number | [number, number]; pad: Pad; dataFormat: 'NHWC' | 'NCHW'; dilations: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' }
type Info = tf.backend_util.Conv2DInfo;

/** NCHW convolutions run in conv-nchw.ts (withNativeNCHW); NCHW depthwise ones on the cpu backend, counted. */
function assertNHWC(name: string, dataFormat: string | undefined): void {
  if (dataFormat && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') throw new NotNative(`torch backend: ${name} in ${dataFormat} is not native`);
}

/** tfjs filter [fh, fw, in, out] as ATen's [out, in, fh, fw] view. */
const HWIO_TO_OIHW = [3, 2, 0, 1];
const OIHW_TO_HWIO = [2, 3, 1, 0];

/** Bottom/right padding that makes ATen's output size tfjs's (it can differ from padInfo with ceil rounding). */
export function padsOf(info: Info) {
  const effH = (info.filterHeight - 1) * info.dilationHeight + 1;
  const effW = (info.filterWidth - 1) * info.dilationWidth + 1;
  const top = info.padInfo.top, left = info.padInfo.left;
  const bottom = (info.outHeight - 1) * info.strideHeight + effH - info.inHeight - top;
  const right = (info.outWidth - 1) * info.strideWidth + effW - info.inWidth - left;
  return { top, left, bottom, right };
}

/** An NCHW (channels_last) view of x with the padding ATen cannot express (unequal sides) applied; returns ATen's symmetric padding. */
export function paddedInput(c: Ctx, x: Handle, info: Info, value = 0): { x: Handle; padding: [number, number]; explicit: [number, number, number, number] | null } {
  const p = padsOf(info);
  const nchw = c.a.t('permute', x, NHWC_TO_NCHW);
  if (p.top === p.bottom && p.left === p.right && p.top >= 0 && p.left >= 0) return { x: nchw, padding: [p.top, p.left], explicit: null };
  // constant_pad_nd takes [left, right, top, bottom] for the last two dims; negative values crop.
  const explicit: [number, number, number, number] = [p.left, p.right, p.top, p.bottom];
  const padded = c.a.t('contiguous', c.a.t('constant_pad_nd', nchw, explicit, value), CHANNELS_LAST);
  return { x: padded, padding: [0, 0], explicit };
}

function convInfo(x: tf.TensorInfo, filterShape: number[], attrs: ConvAttrs, depthwise = false): Info {
  return tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad as never, attrs.dimRoundingMode, depthwise);
}

/**
 * The filter tap [row, column] that sees a 1x1 input when the output is 1x1 too (ResNet-18's last stage at
 * 28x28 input: 3x3 convolutions padded by 1 on 1x1 maps), or null when that is not the case. Every other tap
 * multiplies padding, so the convolution is a matrix product with that tap's [C_in, C_out] slice of the
 * HWIO filter: oneDNN ran the full 3x3 convolution, ~9x the arithmetic (6.8 ms vs well under 1 ms at 512
 * channels, batch 128, forward; the same for both gradients).
 */
function singlePixelTap(info: Info, groups: number): [number, number] | null {
  if (groups !== 1 || info.inHeight !== 1 || info.inWidth !== 1 || info.outHeight !== 1 || info.outWidth !== 1) return null;
  const { top, left } = padsOf(info);
  if (top % info.dilationHeight || left % info.dilationWidth) return null;
  const row = top / info.dilationHeight, col = left / info.dilationWidth;
  return row >= 0 && row < info.filterHeight && col >= 0 && col < info.filterWidth ? [row, col] : null;
}

/** The [C_in, C_out] slice of an HWIO filter at one tap (a contiguous view). */
function tapOf(c: Ctx, filter: Handle, [row, col]: [number, number]): Handle {
  return c.a.t('select.int', c.a.t('select.int', filter, 0, row), 0, col);
}

/** Depthwise: tfjs's [fh, fw, C, multiplier] filter as ATen's [C·multiplier, 1, fh, fw] with C groups. */
function conv(c: Ctx, x: tf.TensorInfo, filter: tf.TensorInfo, attrs: ConvAttrs, bias: Handle | null, groups = 1, depthwise = false): Handle {
  const info = convInfo(x, filter.shape, attrs, depthwise);
  const tap = depthwise ? null : singlePixelTap(info, groups);
  if (tap) {
    const [n, , , cin] = x.shape as [number, number, number, number];
    const x2d = c.a.t('reshape', c.h(x), [n, cin]);
    const y = bias ? c.a.t('addmm', bias, x2d, tapOf(c, c.h(filter), tap)) : c.a.t('mm', x2d, tapOf(c, c.h(filter), tap));
    return c.a.t('reshape', y, [n, 1, 1, filter.shape[3]!]);
  }
  const { x: input, padding } = paddedInput(c, c.h(x), info);
  let weight = c.a.t('permute', c.h(filter), HWIO_TO_OIHW);
  if (depthwise) weight = c.a.t('reshape', c.a.t('permute', c.h(filter), [2, 3, 0, 1]), [groups * filter.shape[3]!, 1, filter.shape[0]!, filter.shape[1]!]);
  const y = c.a.t('convolution', input, weight, bias, [info.strideHeight, info.strideWidth], padding,
    [info.dilationHeight, info.dilationWidth], false, [0, 0], groups);
  return c.a.t('permute', y, NCHW_TO_NHWC);
}

/** ATen's conv backward needs an input tensor for its shape and layout only. */
function emptyChannelsLast(c: Ctx, nchwShape: number[]): Handle {
  return c.a.t('empty.memory_format', nchwShape, DTYPE.float32, null, c.a.device, null, CHANNELS_LAST);
}

function backpropInput(c: Ctx, dy: tf.TensorInfo, filter: tf.TensorInfo, inputShape: number[], attrs: ConvAttrs): Handle {
  const info = tf.backend_util.computeConv2DInfo(inputShape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad as never, attrs.dimRoundingMode);
  const [n, h, w, cin] = inputShape as [number, number, number, number];
  const tap = dy.shape[1] === info.outHeight && dy.shape[2] === info.outWidth ? singlePixelTap(info, 1) : null;
  if (tap) return c.a.t('reshape', c.a.t('mm', c.a.t('reshape', c.h(dy), [n, filter.shape[3]!]), c.a.t('t', tapOf(c, c.h(filter), tap))), [n, 1, 1, cin]);
  const weight = c.a.t('permute', c.h(filter), HWIO_TO_OIHW);
  const dyN = c.a.t('permute', c.h(dy), NHWC_TO_NCHW);
  const stride = [info.strideHeight, info.strideWidth];
  const dilation = [info.dilationHeight, info.dilationWidth];
  const p = padsOf(info);
  const consistent = dy.shape[1] === info.outHeight && dy.shape[2] === info.outWidth;
  if (consistent && p.top === p.bottom && p.left === p.right && p.top >= 0 && p.left >= 0) {
    const [dx] = c.a.ts('convolution_backward', dyN, emptyChannelsLast(c, [n, cin, h, w]), weight, null, stride, [p.top, p.left], dilation, false, [0, 0], 1, [true, false, false]);
    return c.a.t('permute', dx!, NCHW_TO_NHWC);
  }
  if (consistent) {
    // Unequal padding ('same' with stride 2 on an even size): the gradient of the explicitly padded
    // input, cropped. ATen's transposed convolution would do the same arithmetic 3-10x slower.
    const padded = [n, cin, h + p.top + p.bottom, w + p.left + p.right];
    const [dxPadded] = c.a.ts('convolution_backward', dyN, emptyChannelsLast(c, padded), weight, null, stride, [0, 0], dilation, false, [0, 0], 1, [true, false, false]);
    return c.a.t('permute', c.a.t('constant_pad_nd', dxPadded!, [-p.left, -p.right, -p.top, -p.bottom], 0), NCHW_TO_NHWC);
  }
  // General case (a dy that does not match the forward output, as conv2dTranspose allows):
  // the unpadded transposed convolution puts dy[i]·w[k] at row i·s + k·d; tfjs's dx[r] is its row r + top.
  // Like tfjs's kernels, it reads only the dy rows/columns the forward output has.
  const dyUsed = consistent ? dyN : c.a.t('slice.Tensor', c.a.t('slice.Tensor', dyN, 2, 0, info.outHeight, 1), 3, 0, info.outWidth, 1);
  const full = c.a.t('convolution', dyUsed, weight, null, stride, [0, 0], dilation, true, [0, 0], 1);
  const [, , fullH, fullW] = c.backend.native.shape(full) as [number, number, number, number];
  const cropped = c.a.t('constant_pad_nd', full, [-p.left, p.left + w - fullW, -p.top, p.top + h - fullH], 0);
  return c.a.t('permute', cropped, NCHW_TO_NHWC);
}

function backpropFilter(c: Ctx, x: tf.TensorInfo, dy: tf.TensorInfo, filterShape: number[], attrs: ConvAttrs): Handle {
  const info = convInfo(x, filterShape, attrs);
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth) throw new NotNative('torch backend: Conv2DBackpropFilter with a dy that does not match the forward output is not native');
  const [fh, fw, cin, cout] = filterShape as [number, number, number, number];
  const tap = singlePixelTap(info, 1);
  if (tap) {
    // Only the tap that sees the input gets a gradient: x^T·dy there, zeros around it.
    const n = x.shape[0]!;
    const dw = c.a.t('mm', c.a.t('t', c.a.t('reshape', c.h(x), [n, cin])), c.a.t('reshape', c.h(dy), [n, cout]));
    return c.a.t('constant_pad_nd', c.a.t('reshape', dw, [1, 1, cin, cout]), [0, 0, 0, 0, tap[1], fw - 1 - tap[1], tap[0], fh - 1 - tap[0]], 0);
  }
  const { x: input, padding } = paddedInput(c, c.h(x), info);
  const dummyWeight = c.a.t('empty.memory_format', [cout, cin, fh, fw], DTYPE.float32, null, c.a.device, null, null);
  const [, dw] = c.a.ts('convolution_backward', c.a.t('permute', c.h(dy), NHWC_TO_NCHW), input, dummyWeight, null,
    [info.strideHeight, info.strideWidth], padding, [info.dilationHeight, info.dilationWidth], false, [0, 0], 1, [false, true, false]);
  return c.a.t('permute', dw!, OIHW_TO_HWIO);
}

/** cnnlab's grouped convolution (core's GroupedConv2D): filter [fh, fw, C/groups, out]. */
const GROUPED_CONV = 'CnnlabGroupedConv2D';
type GroupedAttrs = { strides: number; pad: 'same' | 'valid'; groups: number };

function groupedInfo(x: tf.TensorInfo, filter: tf.TensorInfo, attrs: GroupedAttrs): Info {
  return convInfo(x, filter.shape, { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC', dilations: 1 });
}

function groupedGrad(c: Ctx, dy: tf.TensorInfo, x: tf.TensorInfo, filter: tf.TensorInfo, attrs: GroupedAttrs): tf.TensorInfo[] {
  const info = groupedInfo(x, filter, attrs);
  const { x: input, padding, explicit } = paddedInput(c, c.h(x), info);
  const [dx, dw] = c.a.ts('convolution_backward', c.a.t('permute', c.h(dy), NHWC_TO_NCHW), input, c.a.t('permute', c.h(filter), HWIO_TO_OIHW), null,
    [info.strideHeight, info.strideWidth], padding, [1, 1], false, [0, 0], attrs.groups, [true, true, false]);
  const dxUnpadded = explicit ? c.a.t('constant_pad_nd', dx!, explicit.map((v) => -v), 0) : dx!;
  return [c.out(c.a.t('permute', dxUnpadded, NCHW_TO_NHWC)), c.out(c.a.t('permute', dw!, OIHW_TO_HWIO))];
}

type FusedAttrs = ConvAttrs & { activation?: string; leakyreluAlpha?: number };

export const convKernels: TorchKernelDef[] = [
  kernel('Conv2D', (c, { x, filter }, attrs: ConvAttrs) => {
    assertNHWC('Conv2D', attrs.dataFormat);
    return c.out(conv(c, x, filter, attrs, null));
  }),
  kernel('FusedConv2D', (c, { x, filter, bias, preluActivationWeights }, attrs: FusedAttrs) => {
    assertNHWC('FusedConv2D', attrs.dataFormat);
    const biasH = bias && bias.shape.length === 1 && bias.shape[0] === filter.shape[3] ? c.h(bias) : null;
    let y = conv(c, x, filter, attrs, biasH);
    if (bias && !biasH) y = c.a.t('add.Tensor', y, c.h(bias));
    return c.out(activate(c, c.a.t('contiguous', y, 0), attrs.activation, preluActivationWeights && c.h(preluActivationWeights), attrs.leakyreluAlpha));
  }),
  kernel('Conv2DBackpropInput', (c, { dy, filter }, attrs: ConvAttrs & { inputShape: number[] }) => {
    assertNHWC('Conv2DBackpropInput', attrs.dataFormat);
    return c.out(backpropInput(c, dy, filter, attrs.inputShape, attrs));
  }),
  kernel('Conv2DBackpropFilter', (c, { x, dy }, attrs: ConvAttrs & { filterShape: number[] }) => {
    assertNHWC('Conv2DBackpropFilter', attrs.dataFormat);
    return c.out(backpropFilter(c, x, dy, attrs.filterShape, attrs));
  }),
  kernel(GROUPED_CONV, (c, { x, filter }, attrs: GroupedAttrs) =>
    c.out(conv(c, x, filter, { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC', dilations: 1 }, null, attrs.groups))),
  kernel(`${GROUPED_CONV}Grad`, (c, { dy, x, filter }, attrs: GroupedAttrs) => groupedGrad(c, dy, x, filter, attrs)),
  kernel('DepthwiseConv2dNative', (c, { x, filter }, attrs: ConvAttrs) => {
    assertNHWC('DepthwiseConv2dNative', attrs.dataFormat);
    return c.out(conv(c, x, filter, attrs, null, x.shape[3]!, true));
  }),
];
