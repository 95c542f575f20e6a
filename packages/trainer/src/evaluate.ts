import { captureStep, summarize, tf } from '@cnnlab/core';
import type { BatchSource } from './data/index.js';
import { ConfusionExampleCollector } from './summaries/confusion-examples.js';
import type { ConfusionExampleCell } from './summaries/confusion-examples-file.js';
import type { Misclassified } from './summaries/misclassified.js';

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
  /** confusion[true][predicted] counts, when asked for. */
  confusion?: number[][];
  /** The first misclassified images (up to `options.misclassified`), in evaluation order. */
  misclassified: Misclassified[];
  /** The first `options.examplesPerCell` images of each (true, predicted) cell, in evaluation order, when asked for. */
  examples?: ConfusionExampleCell[];
}

/** Mean cross-entropy and accuracy of `model` (inference mode) over all images of `source`. */
export function evaluateModel(model: tf.LayersModel, source: BatchSource, classes: number, options: { confusion?: boolean; misclassified?: number; examplesPerCell?: number } = {}): Evaluation {
  const order = source.sequentialOrder();
  const chunk = inferenceChunk(model, source.batchSize);
  let lossSum = 0, correct = 0;
  const misclassified: Misclassified[] = [];
  const confusion = options.confusion ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) : undefined;
  const examples = options.examplesPerCell ? new ConfusionExampleCollector(classes, options.examplesPerCell) : undefined;
  for (let start = 0; start < order.length; start += source.batchSize) {
    const { x, y } = source.batch(order, start);
    const [lossTensor, predictedTensor] = evaluationStep(model, x, y, classes, chunk);
    const loss = lossTensor!.dataSync()[0]!, predicted = predictedTensor!.dataSync() as Int32Array;
    tf.dispose([lossTensor!, predictedTensor!]);
    const labels = y.dataSync() as Int32Array;
    lossSum += loss;
    for (let i = 0; i < labels.length; i++) {
      if (predicted[i] === labels[i]) correct++;
      if (confusion) confusion[labels[i]!]![predicted[i]!]! += 1;
      examples?.add(order[start + i]!, start + i, labels[i]!, predicted[i]!);
      if (predicted[i] !== labels[i] && misclassified.length < (options.misclassified ?? 0)) misclassified.push({ index: order[start + i]!, label: labels[i]!, predicted: predicted[i]! });
    }
    tf.dispose([x, y]);
  }
  return { loss: lossSum / order.length, accuracy: correct / order.length, count: order.length, confusion, misclassified, examples: examples?.result() };
}

/** [summed cross-entropy, predicted classes] of one batch in inference mode, through the engine's step capture (as training's step). */
function evaluationStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, classes: number, chunk: number): tf.Tensor[] {
  return captureStep(`eval/${model.id}/${classes}/${chunk}`, [x, y], () => tf.tidy(() => {
    const logits = model.predict(x, { batchSize: chunk }) as tf.Tensor2D;
    const losses = tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits, undefined, undefined, tf.Reduction.NONE);
    return [tf.sum(losses), tf.argMax(logits, 1)];
  }));
}

/** Float32 activations of one image through the model (every layer's output). */
export function activationsPerImage(model: tf.LayersModel): number {
  return summarize(model).rows.reduce((n, r) => n + r.outputShape.reduce((a, b) => a * b, 1), 0);
}

/**
 * How many images predict() runs at once in an evaluation: the whole batch when its activations fit in ~1 GB,
 * else fewer, never under tfjs's default of 32. Whole batches are what PyTorch runs (BN-LeNet evaluated 1.6x
 * faster on torch than in tfjs's chunks of 32); VGG-11 at 224x224 needs ~60 MB an image.
 */
export function inferenceChunk(model: tf.LayersModel, batchSize: number): number {
  return Math.min(batchSize, Math.max(32, Math.floor(1e9 / (activationsPerImage(model) * 4))));
}
