import * as tf from '@tensorflow/tfjs';
import type { Handle } from '../native.js';
import { kernel, type Ctx, type TorchKernelDef } from './context.js';

/**
 * SpaceToBatchND / BatchToSpaceND (tfjs runs dilated pools and convolutions through them) as tfjs's cpu kernels
 * compose them: pad, reshape, transpose, reshape (and crop), with tfjs's own shape helpers.
 */

interface SpaceToBatchAttrs { blockShape: number[]; paddings: [number, number][] }
interface BatchToSpaceAttrs { blockShape: number[]; crops: [number, number][] }

/** constant_pad_nd takes [lo, hi] pairs from the last dimension backwards. */
function padAll(c: Ctx, x: Handle, pairs: [number, number][]): Handle {
  return c.a.t('constant_pad_nd', x, pairs.slice().reverse().flat(), 0);
}

function spaceToBatch(c: Ctx, x: tf.TensorInfo, { blockShape, paddings }: SpaceToBatchAttrs): Handle {
  const prod = tf.util.sizeFromShape(blockShape);
  const complete: [number, number][] = [[0, 0], ...paddings, ...Array.from({ length: x.shape.length - 1 - blockShape.length }, (): [number, number] => [0, 0])];
  const paddedShape = x.shape.map((d, i) => d + complete[i]![0] + complete[i]![1]);
  const reshaped = tf.backend_util.getReshaped(paddedShape, blockShape, prod, false);
  const perm = tf.backend_util.getPermuted(reshaped.length, blockShape.length, false);
  const padded = padAll(c, c.h(x), complete);
  return c.a.t('reshape', c.a.t('permute', c.a.t('reshape', padded, reshaped), perm), tf.backend_util.getReshapedPermuted(paddedShape, blockShape, prod, false));
}

function batchToSpace(c: Ctx, x: tf.TensorInfo, { blockShape, crops }: BatchToSpaceAttrs): Handle {
  const prod = tf.util.sizeFromShape(blockShape);
  const reshaped = tf.backend_util.getReshaped(x.shape, blockShape, prod);
  const perm = tf.backend_util.getPermuted(reshaped.length, blockShape.length);
  const flat = tf.backend_util.getReshapedPermuted(x.shape, blockShape, prod);
  let y = c.a.t('reshape', c.a.t('permute', c.a.t('reshape', c.h(x), reshaped), perm), flat);
  const begin = tf.backend_util.getSliceBeginCoords(crops, blockShape.length);
  const size = tf.backend_util.getSliceSize(flat, crops, blockShape.length);
  begin.forEach((b, i) => { if (b !== 0 || size[i] !== flat[i]) y = c.a.t('slice.Tensor', y, i, b, b + size[i]!, 1); });
  return y;
}

export const spaceBatchKernels: TorchKernelDef[] = [
  kernel('SpaceToBatchND', (c, { x }, attrs: SpaceToBatchAttrs) => c.out(spaceToBatch(c, x, attrs), x.dtype)),
  kernel('BatchToSpaceND', (c, { x }, attrs: BatchToSpaceAttrs) => c.out(batchToSpace(c, x, attrs), x.dtype)),
];
