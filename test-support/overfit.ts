import { createModel, initEngine, tf, type CreateModelOptions } from '@cnnlab/core';
import { fashionSample } from './fashion-sample.js';

/**
 * Trains a registered model on a small batch of real Fashion-MNIST images
 * (resized to the model's input) and returns the loss before and after:
 * a model that builds correctly and back-propagates must drive it down.
 */
export async function overfitSmallBatch(name: string, o: CreateModelOptions & { images?: number; steps?: number; lr?: number; optimizer?: 'adam' | 'sgd' } = {}) {
  await initEngine({ backend: 'wasm' });
  const model = createModel(name, o);
  const [h, w, c] = (model.inputs[0]!.shape.slice(1) as number[]);
  const sample = fashionSample(Math.ceil((o.images ?? 20) / 10));
  const n = o.images ?? 20;
  const { x, y } = tf.tidy(() => {
    let x = tf.tensor4d(Float32Array.from(sample.images.subarray(0, n * 784), (v) => v / 255 - 0.5), [n, 28, 28, 1]);
    if (h !== 28 || w !== 28) x = tf.image.resizeBilinear(x, [h!, w!]);
    if (c! > 1) x = tf.tile(x, [1, 1, 1, c!]);
    const classes = (model.outputs[0]!.shape[1] as number);
    return { x, y: tf.oneHot(tf.tensor1d(Array.from(sample.labels.subarray(0, n)), 'int32'), classes) };
  });
  const optimizer = o.optimizer === 'sgd' ? tf.train.momentum(o.lr ?? 0.05, 0.9) : tf.train.adam(o.lr ?? 1e-3);
  const lossOf = (training: boolean) => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training }) as tf.Tensor).dataSync()[0]!);
  const before = lossOf(false);
  const losses: number[] = [];
  for (let step = 0; step < (o.steps ?? 30); step++) {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true);
    losses.push(cost!.dataSync()[0]!);
    cost!.dispose();
  }
  // Batch-norm running statistics lag behind weights that changed every step;
  // re-estimate them (training-mode passes, no updates) before measuring in inference mode.
  for (let i = 0; i < 30; i++) tf.tidy(() => { model.apply(x, { training: true }); });
  const after = lossOf(false);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { before, after, losses };
}
