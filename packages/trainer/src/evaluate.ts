import { captureStep, tf } from '@cnnlab/core';
import type { BatchSource } from './data/index.js';

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
  /** confusion[true][predicted] counts, when asked for. */
  confusion?: number[][];
}

/** Mean cross-entropy and accuracy of `model` (inference mode) over all images of `source`. */
export function evaluateModel(model: tf.LayersModel, source: BatchSource, classes: number, options: { confusion?: boolean } = {}): Evaluation {
  const order = source.sequentialOrder();
  let lossSum = 0, correct = 0;
  const confusion = options.confusion ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) : undefined;
  for (let start = 0; start < order.length; start += source.batchSize) {
    const { x, y } = source.batch(order, start);
    const [lossTensor, predictedTensor] = evaluationStep(model, x, y, classes);
    const loss = lossTensor!.dataSync()[0]!, predicted = predictedTensor!.dataSync() as Int32Array;
    tf.dispose([lossTensor!, predictedTensor!]);
    const labels = y.dataSync() as Int32Array;
    lossSum += loss;
    for (let i = 0; i < labels.length; i++) {
      if (predicted[i] === labels[i]) correct++;
      if (confusion) confusion[labels[i]!]![predicted[i]!]! += 1;
    }
    tf.dispose([x, y]);
  }
  return { loss: lossSum / order.length, accuracy: correct / order.length, count: order.length, confusion };
}

/** [summed cross-entropy, predicted classes] of one batch in inference mode, through the engine's step capture (as training's step). */
function evaluationStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, classes: number): tf.Tensor[] {
  return captureStep(`eval/${model.id}/${classes}`, [x, y], () => tf.tidy(() => {
    const logits = model.predict(x) as tf.Tensor2D;
    const losses = tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits, undefined, undefined, tf.Reduction.NONE);
    return [tf.sum(losses), tf.argMax(logits, 1)];
  }));
}
