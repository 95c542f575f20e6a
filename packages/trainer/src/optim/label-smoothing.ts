import { tf } from '@cnnlab/core';

/**
 * Soft targets (1−ε)·onehot + ε/K, so that cross-entropy on them equals PyTorch's CrossEntropyLoss(label_smoothing=ε).
 * The native loss kernels take probability targets, so the torch engine's loss and step capture stay as they are.
 */
export function smoothTargets(oneHot: tf.Tensor, epsilon: number): tf.Tensor {
  if (!epsilon) return oneHot;
  const classes = oneHot.shape[oneHot.shape.length - 1]!;
  return tf.add(tf.mul(tf.cast(oneHot, 'float32'), 1 - epsilon), epsilon / classes);
}
