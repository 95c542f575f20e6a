import type { tf } from '@cnnlab/core';
import { memoryOf } from '../memory.js';
import type { DenseLayerMemory } from '../worked-examples.js';

export interface DenseLayerInfo extends DenseLayerMemory {
  name: string;
  bias: boolean;
  /** This layer's share of the model's parameters (0..1). */
  share: number;
}

function count(shape: readonly (number | null)[]): number {
  return shape.reduce((n: number, d) => n * (d ?? 1), 1);
}

/**
 * The dense (fully connected) layers of a model in order, with their sizes and
 * parameter memory: AlexNet's last three are 6400→4096, 4096→4096, 4096→10.
 */
export function denseLayersOf(model: tf.LayersModel): DenseLayerInfo[] {
  const total = model.countParams();
  return model.layers
    .filter((l) => l.getClassName() === 'Dense')
    .map((layer) => {
      const kernel = layer.weights.find((w) => w.shape.length === 2) ?? layer.weights[0]!;
      const [inFeatures, outFeatures] = kernel.shape as [number, number];
      const params = layer.weights.reduce((n, w) => n + count(w.shape), 0);
      return {
        name: layer.name,
        inFeatures,
        outFeatures,
        bias: layer.weights.length > 1,
        params,
        macs: inFeatures * outFeatures,
        memory: memoryOf(params),
        share: total > 0 ? params / total : 0,
      };
    });
}
