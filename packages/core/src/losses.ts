import * as tf from '@tensorflow/tfjs';

/**
 * Kernels a backend may register to compute the training loss natively (torch: ATen's cross_entropy_loss):
 * forward {labels, logits} -> [loss], gradient {dy, labels, logits} -> [dLogits]. tfjs's own loss is ~10
 * kernels forward and as many backward.
 */
export const SOFTMAX_CROSS_ENTROPY_KERNEL = 'CnnlabSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL = 'CnnlabSoftmaxCrossEntropyGrad';

/**
 * Mean over the batch of −Σ labels·log softmax(logits), exactly tfjs's `tf.losses.softmaxCrossEntropy(labels,
 * logits)` (default reduction, no label smoothing); labels are constants (no gradient flows to them).
 */
export function softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  const native = logits.rank === 2 && tf.util.arraysEqual(labels.shape, logits.shape) && tf.getKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, tf.getBackend());
  if (!native) return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, labels]); // labels too: a tidy may dispose them before the backward pass
    return {
      value: tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, { labels, logits: x }) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [savedLogits, savedLabels]: tf.Tensor[]) =>
        tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, { dy, labels: savedLabels!, logits: savedLogits! }) as tf.Tensor,
    };
  }) as never) as (x: tf.Tensor) => tf.Scalar;
  return op(logits);
}
