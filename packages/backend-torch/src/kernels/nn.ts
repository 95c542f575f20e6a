import * as tf from '@tensorflow/tfjs';
import type { Handle } from '../native.js';
import { activate, castTo } from './elementwise.js';
import { kernel, NotNative, type Ctx, type TorchKernelDef } from './context.js';
import { isNarrow, NarrowChannels } from './narrow-channels.js';

/** Custom kernels the torch backend registers; core's batch-norm op and the gradients below look them up by name. */
export const BATCH_NORM_TRAINING = 'CnnlabBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'CnnlabBatchNormTrainingGrad';
export const RELU_GRAD = 'CnnlabReluGrad';
export const SIGMOID_GRAD = 'CnnlabSigmoidGrad';
export const TANH_GRAD = 'CnnlabTanhGrad';
export const SOFTMAX_GRAD = 'CnnlabSoftmaxGrad';
/** @cnnlab/core's softmaxCrossEntropy (the trainer's loss). */
export const SOFTMAX_CROSS_ENTROPY = 'CnnlabSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'CnnlabSoftmaxCrossEntropyGrad';

/**
 * Channels-last [..., C] as ATen's [N, C, ...]: a free view for contiguous NHWC. Few channels (below 16) never get
 * here: ATen's channels-last batch norm is ~10x slower on them, and narrowBatchNorm runs them on a wide view.
 */
function channelsSecond(c: Ctx, x: Handle, shape: number[]): Handle {
  const rank = shape.length;
  if (rank <= 2) return x;
  return c.a.t('permute', x, [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)]);
}

function channelsLastAgain(c: Ctx, y: Handle, rank: number): Handle {
  return rank <= 2 ? y : c.a.t('permute', y, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1]);
}

function matmul(c: Ctx, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): Handle {
  // tfjs's kernels reject vectors and mismatched inner sizes (ATen's matmul would take a vector).
  const innerA = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const innerB = transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
  if (a.shape.length < 2 || b.shape.length < 2 || innerA !== innerB) {
    throw new Error(`Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const ah = transposeA ? c.a.t('transpose.int', c.h(a), -2, -1) : c.h(a);
  const bh = transposeB ? c.a.t('transpose.int', c.h(b), -2, -1) : c.h(b);
  return c.a.t('matmul', ah, bh);
}

function floatLabels(c: Ctx, labels: tf.TensorInfo): Handle {
  return labels.dtype === 'float32' ? c.h(labels) : castTo(c, c.h(labels), 'float32');
}

type MatMulAttrs = { transposeA: boolean; transposeB: boolean; activation?: string; leakyreluAlpha?: number };

export const nnKernels: TorchKernelDef[] = [
  kernel('BatchMatMul', (c, { a, b }, { transposeA, transposeB }: MatMulAttrs) => c.out(matmul(c, a, b, transposeA, transposeB))),
  kernel('_FusedMatMul', (c, { a, b, bias, preluActivationWeights }, attrs: MatMulAttrs) => {
    let y = matmul(c, a, b, attrs.transposeA, attrs.transposeB);
    if (bias) y = c.a.t('add_.Tensor', y, c.h(bias));
    return c.out(activate(c, y, attrs.activation, preluActivationWeights && c.h(preluActivationWeights), attrs.leakyreluAlpha));
  }),
  kernel('Softmax', (c, { logits }, { dim }: { dim: number }) => c.out(c.a.t('_softmax', c.h(logits), dim < 0 ? dim + logits.shape.length : dim, false))),
  kernel('FusedBatchNorm', (c, { x, mean, variance, offset, scale }, { varianceEpsilon }: { varianceEpsilon: number }) => {
    // y = x·a + b with a = scale/√(var+ε), b = offset − mean·a: one pass over x.
    let a = c.a.t('rsqrt', c.a.t('add.Scalar', c.h(variance), varianceEpsilon));
    if (scale) a = c.a.t('mul.Tensor', a, c.h(scale));
    let b = c.a.t('neg', c.a.t('mul.Tensor', c.h(mean), a));
    if (offset) b = c.a.t('add.Tensor', b, c.h(offset));
    const channels = x.shape.at(-1);
    const perChannel = [mean, variance, scale, offset].every((t) => !t || (t.shape.length === 1 && t.shape[0] === channels));
    if (perChannel && isNarrow(x.shape)) {
      const narrow = new NarrowChannels(c, x.shape);
      return c.out(narrow.unwide(c.a.t('addcmul', narrow.tile(b), narrow.wide(c.h(x)), narrow.tile(a), 1)));
    }
    return c.out(c.a.t('addcmul', b, c.h(x), a, 1));
  }),
  kernel(BATCH_NORM_TRAINING, (c, { x, scale, offset, movingMean, movingVariance }, { epsilon, momentum }: { epsilon: number; momentum: number }) => {
    const rank = x.shape.length;
    const [y, saveMean, invStd] = isNarrow(x.shape)
      ? narrowBatchNorm(c, x.shape, c.h(x), c.h(scale), c.h(offset), epsilon)
      : c.a.ts('native_batch_norm', channelsSecond(c, c.h(x), x.shape), c.h(scale), c.h(offset), null, null, true, 0, epsilon);
    // The moving averages as tfjs updates them, from the biased batch variance (tf.moments'), not PyTorch's unbiased one.
    const variance = c.a.t('sub.Scalar', c.a.t('reciprocal', c.a.t('square', invStd!)), epsilon);
    const newMean = c.a.t('lerp.Scalar', c.h(movingMean), saveMean!, 1 - momentum);
    const newVariance = c.a.t('lerp.Scalar', c.h(movingVariance), variance, 1 - momentum);
    return [c.out(isNarrow(x.shape) ? y! : channelsLastAgain(c, y!, rank)), c.out(newMean), c.out(newVariance), c.out(saveMean!), c.out(invStd!)];
  }),
  kernel(BATCH_NORM_TRAINING_GRAD, (c, { dy, x, scale, saveMean, invStd }, { epsilon }: { epsilon: number }) => {
    const rank = x.shape.length;
    if (isNarrow(x.shape)) return narrowBatchNormGrad(c, x.shape, c.h(dy), c.h(x), c.h(scale), c.h(saveMean), c.h(invStd)).map((h) => c.out(h));
    const [dx, dScale, dOffset] = c.a.ts('native_batch_norm_backward', channelsSecond(c, c.h(dy), x.shape), channelsSecond(c, c.h(x), x.shape),
      c.h(scale), null, null, c.h(saveMean), c.h(invStd), true, epsilon, [true, true, true]);
    return [c.out(channelsLastAgain(c, dx!, rank)), c.out(dScale!), c.out(dOffset!)];
  }),
  // Mean over the batch of −Σ labels·log softmax(logits) (ATen's reduction 1 = mean over the batch with
  // probability targets), and its gradient (softmax − labels)·dy/N.
  // Labels may be tf.oneHot's int32: as float probabilities (an integer target would mean class indices to ATen).
  kernel(SOFTMAX_CROSS_ENTROPY, (c, { labels, logits }) => c.out(c.a.t('cross_entropy_loss', c.h(logits), floatLabels(c, labels), null, 1, -100, 0))),
  kernel(SOFTMAX_CROSS_ENTROPY_GRAD, (c, { dy, labels, logits }) => {
    const diff = c.a.t('sub.Tensor', c.a.t('_softmax', c.h(logits), 1, false), floatLabels(c, labels));
    return c.out(c.a.t('mul.Tensor', diff, c.a.t('div.Scalar', c.h(dy), logits.shape[0])));
  }),
  kernel(RELU_GRAD, (c, { dy, x }) => c.out(c.a.t('threshold_backward', c.h(dy), c.h(x), 0))),
  kernel(SIGMOID_GRAD, (c, { dy, y }) => c.out(c.a.t('sigmoid_backward', c.h(dy), c.h(y)))),
  kernel(TANH_GRAD, (c, { dy, y }) => c.out(c.a.t('tanh_backward', c.h(dy), c.h(y)))),
  kernel(SOFTMAX_GRAD, (c, { dy, y }, { dim }: { dim: number }) =>
    c.out(c.a.t('_softmax_backward_data', c.h(dy), c.h(y), dim < 0 ? dim + y.shape.length : dim, 6))),
  kernel('ResizeBilinear', (c, { images }, { alignCorners, halfPixelCenters, size }: { alignCorners: boolean; halfPixelCenters: boolean; size: [number, number] }) => {
    if (!alignCorners && !halfPixelCenters) throw new NotNative('torch backend: ResizeBilinear without halfPixelCenters or alignCorners (tfjs\'s legacy sampling) is not native');
    const y = c.a.t('upsample_bilinear2d', c.a.t('permute', c.h(images), [0, 3, 1, 2]), size, alignCorners, null, null);
    return c.out(c.a.t('permute', y, [0, 2, 3, 1]));
  }),
];

/**
 * Training batch norm of few channels on the wide view (narrow-channels.ts) instead of NCHW copies around ATen's
 * batch norm: the mean, then the biased variance from the centred values (two passes, as ATen's), then
 * y = centred·(scale·invStd) + offset. Returns [y (NHWC), mean, invStd] like native_batch_norm.
 */
function narrowBatchNorm(c: Ctx, shape: number[], x: Handle, scale: Handle, offset: Handle, epsilon: number): Handle[] {
  const narrow = new NarrowChannels(c, shape);
  const wide = narrow.wide(x);
  const mean = c.a.t('div.Scalar', narrow.sum(wide), narrow.count);
  const centred = c.a.t('sub.Tensor', wide, narrow.tile(mean), 1);
  const variance = c.a.t('div.Scalar', narrow.sum(c.a.t('mul.Tensor', centred, centred)), narrow.count);
  const invStd = c.a.t('rsqrt', c.a.t('add.Scalar', variance, epsilon, 1));
  const y = c.a.t('addcmul', narrow.tile(offset), centred, narrow.tile(c.a.t('mul.Tensor', scale, invStd)), 1);
  return [narrow.unwide(y), mean, invStd];
}

/**
 * Its gradient, native_batch_norm_backward's formula with P = Σ dy·(x − mean) and M values per channel:
 * dScale = invStd·P, dOffset = Σ dy, dx = k1·dy + k2·x + k3 with k1 = scale·invStd, k2 = −k1·invStd²·P/M,
 * k3 = −k1·dOffset/M − k2·mean.
 */
function narrowBatchNormGrad(c: Ctx, shape: number[], dy: Handle, x: Handle, scale: Handle, mean: Handle, invStd: Handle): Handle[] {
  const narrow = new NarrowChannels(c, shape);
  const [dyWide, xWide] = [narrow.wide(dy), narrow.wide(x)];
  const dOffset = narrow.sum(dyWide);
  const p = narrow.sum(c.a.t('mul.Tensor', dyWide, c.a.t('sub.Tensor', xWide, narrow.tile(mean), 1)));
  const k1 = c.a.t('mul.Tensor', scale, invStd);
  const k2 = c.a.t('neg', c.a.t('div.Scalar', c.a.t('mul.Tensor', c.a.t('mul.Tensor', k1, c.a.t('square', invStd)), p), narrow.count));
  const k3 = c.a.t('sub.Tensor', c.a.t('neg', c.a.t('div.Scalar', c.a.t('mul.Tensor', k1, dOffset), narrow.count)), c.a.t('mul.Tensor', k2, mean), 1);
  const dx = c.a.t('addcmul', c.a.t('addcmul', narrow.tile(k3), xWide, narrow.tile(k2), 1), dyWide, narrow.tile(k1), 1);
  return [narrow.unwide(dx), c.a.t('mul.Tensor', invStd, p), dOffset];
}
