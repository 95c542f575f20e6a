import { tf } from '@cnnlab/core';

/** One forward pass of a random image: the output shape, and whether every value is finite. */
export function forwardOnce(model: tf.LayersModel): { shape: number[]; finite: boolean } {
  const [h, w, c] = model.inputs[0]!.shape.slice(1) as number[];
  const y = tf.tidy(() => model.predict(tf.randomNormal([1, h!, w!, c!], 0, 1, 'float32', 1)) as tf.Tensor);
  const result = { shape: y.shape, finite: Array.from(y.dataSync()).every(Number.isFinite) };
  y.dispose();
  return result;
}
