import type { tf } from '@cnnlab/core';
import type { SummaryWriter } from '@cnnlab/tfevents';

/** How often a run logs weight and gradient histograms: every `every` epochs (0: never). */
export const isHistogramEpoch = (every: number, epoch: number): boolean => every > 0 && epoch % every === 0;

/**
 * Every weight of the model (batch norm's moving statistics included) as a histogram, tag `weights/<name>`:
 * TensorBoard's Histograms and Distributions tabs show how each layer's values move from epoch to epoch.
 */
export function logWeightHistograms(writer: SummaryWriter, model: tf.LayersModel, epoch: number): void {
  for (const w of model.weights) writer.histogram(`weights/${w.originalName}`, w.read().dataSync(), epoch);
}

/** The gradients of one step (the epoch's last), tag `gradients/<name>`; `names[i]` is the weight of `grads[i]`. */
export function logGradientHistograms(writer: SummaryWriter, grads: readonly tf.Tensor[], names: readonly string[], epoch: number): void {
  grads.forEach((g, i) => writer.histogram(`gradients/${names[i]}`, g.dataSync(), epoch));
}
