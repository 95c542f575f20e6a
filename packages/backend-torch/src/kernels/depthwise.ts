import * as tf from '@tensorflow/tfjs';
import { CHANNELS_LAST, DTYPE } from '../aten.js';
import type { Handle } from '../native.js';
import { padsOf, paddedInput } from './conv.js';
import { activate } from './elementwise.js';
import { kernel, NotNative, NCHW_TO_NHWC, NHWC_TO_NCHW, type Ctx, type TorchKernelDef } from './context.js';

/**
 * The depthwise kernels beside DepthwiseConv2dNative (conv.ts): its two gradients and the fused forward, as ATen
 * grouped convolutions with one group per input channel. tfjs's [fh, fw, C, multiplier] filter is ATen's
 * [C·multiplier, 1, fh, fw]: output channel c·multiplier + m reads input channel c, as in tfjs.
 */

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface DepthwiseAttrs { strides: number | [number, number]; pad: Pad; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string }
type Info = tf.backend_util.Conv2DInfo;
type Shape4 = [number, number, number, number];

function depthwiseInfo(inShape: number[], filterShape: number[], attrs: DepthwiseAttrs): Info {
  return tf.backend_util.computeConv2DInfo(inShape as Shape4, filterShape as Shape4, attrs.strides, attrs.dilations ?? 1, attrs.pad as never, attrs.dimRoundingMode, true);
}

function atenWeight(c: Ctx, filter: Handle, [fh, fw, ch, mult]: number[]): Handle {
  return c.a.t('reshape', c.a.t('permute', filter, [2, 3, 0, 1]), [ch! * mult!, 1, fh!, fw!]);
}

const stridesOf = (info: Info) => [info.strideHeight, info.strideWidth];
const dilationsOf = (info: Info) => [info.dilationHeight, info.dilationWidth];

function assertMatchesOutput(name: string, dy: tf.TensorInfo, info: Info): void {
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth) throw new NotNative(`torch backend: ${name} with a dy that does not match the forward output is not native`);
}

function backpropInput(c: Ctx, dy: tf.TensorInfo, filter: tf.TensorInfo, attrs: DepthwiseAttrs & { inputShape: number[] }): Handle {
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs);
  assertMatchesOutput('DepthwiseConv2dNativeBackpropInput', dy, info);
  const [n, h, w, ch] = attrs.inputShape as Shape4;
  const p = padsOf(info);
  const symmetric = p.top === p.bottom && p.left === p.right && p.top >= 0 && p.left >= 0;
  // Unequal padding: the gradient of the explicitly padded input, cropped.
  const shape = symmetric ? [n, ch, h, w] : [n, ch, h + p.top + p.bottom, w + p.left + p.right];
  const input = c.a.t('empty.memory_format', shape, DTYPE.float32, null, c.a.device, null, CHANNELS_LAST);
  const [dx] = c.a.ts('convolution_backward', c.a.t('permute', c.h(dy), NHWC_TO_NCHW), input, atenWeight(c, c.h(filter), filter.shape), null,
    stridesOf(info), symmetric ? [p.top, p.left] : [0, 0], dilationsOf(info), false, [0, 0], ch, [true, false, false]);
  const cropped = symmetric ? dx! : c.a.t('constant_pad_nd', dx!, [-p.left, -p.right, -p.top, -p.bottom], 0);
  return c.a.t('permute', cropped, NCHW_TO_NHWC);
}

function backpropFilter(c: Ctx, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: DepthwiseAttrs & { filterShape: number[] }): Handle {
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs);
  assertMatchesOutput('DepthwiseConv2dNativeBackpropFilter', dy, info);
  const [fh, fw, ch, mult] = attrs.filterShape as Shape4;
  const { x: input, padding } = paddedInput(c, c.h(x), info);
  const shapeOnly = c.a.t('empty.memory_format', [ch * mult, 1, fh, fw], DTYPE.float32, null, c.a.device, null, null);
  const [, dw] = c.a.ts('convolution_backward', c.a.t('permute', c.h(dy), NHWC_TO_NCHW), input, shapeOnly, null,
    stridesOf(info), padding, dilationsOf(info), false, [0, 0], ch, [false, true, false]);
  // [C·mult, 1, fh, fw] -> [C, mult, fh, fw] -> tfjs's [fh, fw, C, mult]
  return c.a.t('permute', c.a.t('reshape', dw!, [ch, mult, fh, fw]), [2, 3, 0, 1]);
}

type FusedAttrs = DepthwiseAttrs & { activation?: string; leakyreluAlpha?: number };

function fusedForward(c: Ctx, { x, filter, bias, preluActivationWeights }: Record<string, tf.TensorInfo | undefined>, attrs: FusedAttrs): Handle {
  // tfjs's depthwise kernels read NCHW input as NHWC; the cpu fallback reproduces that.
  if (attrs.dataFormat === 'NCHW') throw new NotNative('torch backend: FusedDepthwiseConv2D in NCHW is not native');
  const info = depthwiseInfo(x!.shape, filter!.shape, attrs);
  const outChannels = filter!.shape[2]! * filter!.shape[3]!;
  const perChannel = bias && bias.shape.length === 1 && bias.shape[0] === outChannels ? c.h(bias) : null;
  const { x: input, padding } = paddedInput(c, c.h(x!), info);
  let y = c.a.t('permute', c.a.t('convolution', input, atenWeight(c, c.h(filter!), filter!.shape), perChannel, stridesOf(info), padding,
    dilationsOf(info), false, [0, 0], filter!.shape[2]!), NCHW_TO_NHWC);
  if (bias && !perChannel) y = c.a.t('add.Tensor', y, c.h(bias));
  return activate(c, c.a.t('contiguous', y, 0), attrs.activation, preluActivationWeights && c.h(preluActivationWeights), attrs.leakyreluAlpha);
}

export const depthwiseKernels: TorchKernelDef[] = [
  kernel('DepthwiseConv2dNativeBackpropInput', (c, { dy, filter }, attrs) => c.out(backpropInput(c, dy, filter, attrs))),
  kernel('DepthwiseConv2dNativeBackpropFilter', (c, { x, dy }, attrs) => c.out(backpropFilter(c, x, dy, attrs))),
  kernel('FusedDepthwiseConv2D', (c, inputs, attrs: FusedAttrs) => c.out(fusedForward(c, inputs, attrs))),
];
