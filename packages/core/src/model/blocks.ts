import * as tf from '@tensorflow/tfjs';
import { SeededDropout } from '../layers/dropout.js';
import { fastTrainingBatchNorm } from '../layers/batch-norm-training.js';
import { GroupedConv2D } from '../layers/grouped-conv.js';
import { FLOAT32_LOWEST, Padding2D } from '../layers/padding.js';
import { nextLayerName, nextSeed } from './build-context.js';

/** A symbolic tensor of the model being built (NHWC). */
export type Node = tf.SymbolicTensor;

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'linear';
/** Normalisation after a conv/dense layer: batch norm (d2l 8.5), layer norm, or none. */
export type NormKind = 'batch' | 'layer' | 'none';
/** Where the normalisation goes relative to the activation. */
export type NormPosition = 'before' | 'after';

function shapeText(shape: tf.Shape): string {
  const [, ...rest] = shape;
  if (rest.length === 3) return `${rest[2]}x${rest[0]}x${rest[1]}`;
  return rest.join('x');
}

/** Applies a layer and fails with the layer's name and shapes when the input cannot fit it. */
export function apply(layer: tf.layers.Layer, input: Node | Node[]): Node {
  const inputs = Array.isArray(input) ? input : [input];
  const inText = inputs.map((i) => shapeText(i.shape)).join(' + ');
  let out: Node;
  try {
    out = layer.apply(input) as Node;
  } catch (error) {
    throw new Error(`Layer "${layer.name}" (${layer.getClassName()}) cannot take input ${inText}: ${(error as Error).message}`);
  }
  if (out.shape.slice(1).some((d) => d != null && d <= 0)) {
    throw new Error(`Layer "${layer.name}" (${layer.getClassName()}) cannot take input ${inText}: its output would be ${shapeText(out.shape)}. Use a larger input size.`);
  }
  return out;
}

function initializer(): ReturnType<typeof tf.initializers.glorotUniform> {
  // Xavier/Glorot uniform, as d2l's init_cnn uses for conv and linear layers.
  return tf.initializers.glorotUniform({ seed: nextSeed() });
}

/** The model input for images of `channels x height x width` (shown CHW like PyTorch, stored NHWC). */
export function imageInput([channels, height, width]: readonly [number, number, number]): Node {
  return tf.input({ shape: [height, width, channels], name: 'input' });
}

export interface ConvOptions {
  filters: number;
  kernel: number;
  stride?: number;
  /** Pixels on each side (PyTorch's `padding=`), or 'same'/'valid'. Default 0. */
  padding?: number | 'same' | 'valid';
  /** Number of groups (not the group width). Default 1. */
  groups?: number;
  bias?: boolean;
  name?: string;
}

/** Constant padding on all four sides; `value` defaults to 0. */
export function pad(x: Node, pixels: number, value = 0): Node {
  if (pixels === 0) return x;
  return apply(new Padding2D({ padding: [pixels, pixels, pixels, pixels], value, name: nextLayerName('pad') }), x);
}

/**
 * A convolution with PyTorch's padding semantics: `padding: p` pads p pixels on
 * every side, which only equals TensorFlow's 'same' for stride 1 and p = (k-1)/2.
 */
export function conv(x: Node, o: ConvOptions): Node {
  const stride = o.stride ?? 1;
  const padding = o.padding ?? 0;
  let tfPadding: 'same' | 'valid' = 'valid';
  let input = x;
  if (padding === 'same' || (stride === 1 && padding === (o.kernel - 1) / 2 && padding > 0)) tfPadding = 'same';
  else if (typeof padding === 'number') input = pad(x, padding);
  const name = o.name ?? nextLayerName('conv');
  const groups = o.groups ?? 1;
  const layer = groups === 1
    ? tf.layers.conv2d({ filters: o.filters, kernelSize: o.kernel, strides: stride, padding: tfPadding, useBias: o.bias ?? true, kernelInitializer: initializer(), name })
    : new GroupedConv2D({ filters: o.filters, kernelSize: o.kernel, strides: stride, padding: tfPadding, groups, useBias: o.bias ?? true, seed: nextSeed(), name });
  if (groups === 1 && !trainsUpstream(input)) unfuse(layer);
  return apply(layer, input);
}

/** Whether a layer before `x` has trainable weights, i.e. whether backprop needs the gradient with respect to `x`. */
function trainsUpstream(x: Node): boolean {
  const seen = new Set<tf.layers.Layer>();
  const visit = (t: Node): boolean => {
    const layer = t.sourceLayer as tf.layers.Layer;
    if (seen.has(layer)) return false;
    seen.add(layer);
    if (layer.trainableWeights.length > 0) return true;
    return layer.inboundNodes.some((node) => node.inputTensors.some((input) => visit(input as Node)));
  };
  return visit(x);
}

interface Conv2DInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'same' | 'valid';
  dilationRate: [number, number];
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor;
}

/**
 * tfjs-layers' Conv2D runs tfjs's fused convolution, whose gradient computes
 * the input gradient even when nothing needs it — for a network's first
 * convolution as costly as its filter gradient (a 1-channel input makes it a
 * convolution with one output channel). This layer instead runs the fused
 * convolution with a gradient for the filter and bias only (`filterAndBiasOnly`),
 * or, without a bias, conv2d, whose input gradient backprop prunes. Class,
 * config and weights stay Conv2D's, so saved models are unchanged.
 */
function unfuse(layer: tf.layers.Layer): void {
  const conv = layer as unknown as Conv2DInternals;
  conv.call = (inputs) => tf.tidy(() => {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
    const filter = conv.kernel.read() as tf.Tensor4D;
    const dilated = conv.dilationRate.some((d) => d !== 1);
    if (conv.bias && !dilated) return filterAndBiasOnly(x, filter, conv.bias.read() as tf.Tensor1D, conv.strides, conv.padding);
    const y = tf.conv2d(x, filter, conv.strides, conv.padding, 'NHWC', conv.dilationRate);
    return conv.bias ? tf.add(y, conv.bias.read()) : y;
  });
}

/**
 * conv2d plus bias as one FusedConv2D kernel (the bias added inside the convolution: on torch one oneDNN call
 * where conv2d + add made two passes over the largest activation of LeNet), with gradients for the filter and
 * bias only: `x` is not an input of the custom gradient, so nothing flows back to it.
 */
function filterAndBiasOnly(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  const op = tf.customGrad((w, b, save) => {
    (save as tf.GradSaveFunc)([x]);
    return {
      value: tf.fused.conv2d({ x, filter: w as tf.Tensor4D, bias: b as tf.Tensor1D, strides, pad }),
      gradFunc: (dy, [input]) => [
        tf.engine().runKernel('Conv2DBackpropFilter', { x: input!, dy: dy as tf.Tensor4D }, { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape } as never) as tf.Tensor4D,
        tf.sum(dy as tf.Tensor4D, [0, 1, 2]),
      ],
    };
  });
  return op(filter, bias) as tf.Tensor4D;
}

export function activation(x: Node, kind: Activation): Node {
  if (kind === 'linear') return x;
  return apply(tf.layers.activation({ activation: kind, name: nextLayerName(kind) }), x);
}

export const relu = (x: Node): Node => activation(x, 'relu');

/** Batch norm with PyTorch's defaults (momentum 0.1 ⇔ tfjs 0.9, eps 1e-5); torchvision's GoogLeNet uses eps 1e-3. */
export function batchNorm(x: Node, o: { epsilon?: number } = {}): Node {
  const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: o.epsilon ?? 1e-5, name: nextLayerName('bn') });
  fastTrainingBatchNorm(layer);
  return apply(layer, x);
}

export function layerNorm(x: Node): Node {
  return apply(tf.layers.layerNormalization({ axis: -1, epsilon: 1e-5, name: nextLayerName('ln') }), x);
}

export function norm(x: Node, kind: NormKind, o: { epsilon?: number } = {}): Node {
  if (kind === 'batch') return batchNorm(x, o);
  if (kind === 'layer') return layerNorm(x);
  return x;
}

/** Activation with optional normalisation before (the book's default) or after it. */
export function normActivation(x: Node, o: { norm: NormKind; activation: Activation; position?: NormPosition }): Node {
  if ((o.position ?? 'before') === 'before') return activation(norm(x, o.norm), o.activation);
  return norm(activation(x, o.activation), o.norm);
}

export interface PoolOptions {
  size: number;
  stride?: number;
  /** PyTorch-style padding on every side; max pooling pads with -inf, average pooling with zeros (count_include_pad). */
  padding?: number;
  /** PyTorch's ceil_mode: keep a last, partial window (as if the bottom/right edges were padded with -inf). */
  ceilMode?: boolean;
}

/** Extra bottom/right padding that PyTorch's ceil_mode implies for one spatial size. */
function ceilModeExtra(n: number, size: number, stride: number, padding: number): number {
  let out = Math.ceil((n + 2 * padding - size) / stride) + 1;
  if ((out - 1) * stride >= n + padding) out -= 1; // PyTorch drops a window that would start in the right padding
  return Math.max(0, (out - 1) * stride + size - (n + 2 * padding));
}

export function maxPool(x: Node, o: PoolOptions): Node {
  const stride = o.stride ?? o.size;
  const p = o.padding ?? 0;
  const [, h, w] = x.shape as number[];
  const [bottom, right] = o.ceilMode ? [ceilModeExtra(h!, o.size, stride, p), ceilModeExtra(w!, o.size, stride, p)] : [0, 0];
  const samePad = stride === 1 && p === (o.size - 1) / 2 && p > 0 && !bottom && !right;
  let input = x;
  if (!samePad && (p || bottom || right)) {
    input = apply(new Padding2D({ padding: [p, p + bottom, p, p + right], value: FLOAT32_LOWEST, name: nextLayerName('pad') }), x);
  }
  return apply(tf.layers.maxPooling2d({ poolSize: o.size, strides: stride, padding: samePad ? 'same' : 'valid', name: nextLayerName('maxpool') }), input);
}

export function avgPool(x: Node, o: PoolOptions): Node {
  const stride = o.stride ?? o.size;
  const input = pad(x, o.padding ?? 0);
  return apply(tf.layers.averagePooling2d({ poolSize: o.size, strides: stride, padding: 'valid', name: nextLayerName('avgpool') }), input);
}

/** Global average pooling to one value per channel (NiN, GoogLeNet, ResNet, DenseNet heads). */
export function globalAvgPool(x: Node): Node {
  return apply(tf.layers.globalAveragePooling2d({ name: nextLayerName('gap') }), x);
}

/**
 * PyTorch's AdaptiveAvgPool2d((size, size)) where it is plain pooling: an
 * identity when the map already has that size, an average pool when the size
 * divides it; other sizes fail at build time naming the layer before it.
 */
export function adaptiveAvgPool(x: Node, size: number): Node {
  const [, h, w, c] = x.shape as number[];
  if (h === size && w === size) return x;
  if (h === w && h! % size === 0) return avgPool(x, { size: h! / size });
  throw new Error(`AdaptiveAvgPool2d((${size}, ${size})) after "${x.sourceLayer.name}" supports a ${size}x${size} map or a multiple of it, got ${c}x${h}x${w}: use an input size that gives one (224 for the torchvision models)`);
}

export function flatten(x: Node): Node {
  return apply(tf.layers.flatten({ name: nextLayerName('flatten') }), x);
}

export function dense(x: Node, units: number, o: { bias?: boolean } = {}): Node {
  return apply(tf.layers.dense({ units, useBias: o.bias ?? true, kernelInitializer: initializer(), name: nextLayerName('dense') }), x);
}

export function dropout(x: Node, rate: number): Node {
  return apply(new SeededDropout({ rate, seed: nextSeed(), name: nextLayerName('dropout') }), x);
}

/** Channel concatenation (Inception branches, DenseNet). */
export function concat(xs: Node[]): Node {
  return apply(tf.layers.concatenate({ axis: -1, name: nextLayerName('concat') }), xs);
}

/** Element-wise sum (residual connections). */
export function add(xs: Node[]): Node {
  return apply(tf.layers.add({ name: nextLayerName('add') }), xs);
}

/** Channels of a node (NHWC). */
export function channels(x: Node): number {
  return x.shape[x.shape.length - 1]!;
}
