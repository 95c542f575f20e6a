import { tf } from '@cnnlab/core';
import type { TensorEntry } from '../checkpoint.js';

/** Checkpoint tensor names of the shadow weights: `ema/<index>/<weight name>`, beside the model's `w/…`. */
export const EMA_PREFIX = 'ema/';

/**
 * An exponential moving average of every model weight, batch norm's moving statistics included, as timm's
 * ModelEmaV2: the shadow starts as a copy of the model and after each optimizer step becomes
 * decay·shadow + (1−decay)·weight. The shadow is held in plain tensors, not variables, so the engine's
 * step capture (which replays over the registered variables) does not see it.
 */
export class ModelEma {
  private shadow: tf.Tensor[];

  constructor(readonly decay: number, weights: readonly tf.Tensor[]) {
    if (!(decay > 0 && decay < 1)) throw new Error(`EMA decay must be in (0, 1), got ${decay}`);
    this.shadow = weights.map((w) => tf.keep(w.clone()));
  }

  /** One update from the model's current weights (in the same order as at construction). */
  update(weights: readonly tf.Tensor[]): void {
    if (weights.length !== this.shadow.length) throw new Error(`EMA holds ${this.shadow.length} weights; got ${weights.length}`);
    const previous = this.shadow;
    this.shadow = tf.tidy(() => previous.map((e, i) => tf.keep(tf.add(tf.mul(e, this.decay), tf.mul(weights[i]!, 1 - this.decay)))));
    tf.dispose(previous);
  }

  /** The shadow weights (owned by this object: do not dispose). */
  get weights(): readonly tf.Tensor[] {
    return this.shadow;
  }

  /** Checkpoint entries `ema/<i>/<name>`, `names` being the model's weight names. */
  entries(names: readonly string[]): TensorEntry[] {
    return this.shadow.map((t, i) => ({ name: `${EMA_PREFIX}${i}/${names[i]}`, shape: t.shape as number[], values: t.dataSync() as Float32Array }));
  }

  /** Replaces the shadow with the `ema/` entries of a checkpoint; `source` names it in errors. */
  restore(tensors: readonly TensorEntry[], source: string): void {
    const saved = emaEntries(tensors);
    if (saved.length !== this.shadow.length) {
      throw new Error(`${source} holds ${saved.length} EMA tensors; the run has EMA on and its model has ${this.shadow.length} weights (was the checkpoint written without --ema?)`);
    }
    saved.forEach((t, i) => {
      if (t.shape.join('x') !== this.shadow[i]!.shape.join('x')) throw new Error(`${source}: EMA tensor ${t.name} has shape ${t.shape.join('x')}, the model's weight ${i} is ${this.shadow[i]!.shape.join('x')}`);
    });
    tf.dispose(this.shadow);
    this.shadow = saved.map((t) => tf.keep(tf.tensor(t.values, t.shape)));
  }

  dispose(): void {
    tf.dispose(this.shadow);
    this.shadow = [];
  }
}

/** A checkpoint's shadow weights, in model weight order. */
export function emaEntries(tensors: readonly TensorEntry[]): TensorEntry[] {
  return tensors.filter((t) => t.name.startsWith(EMA_PREFIX));
}

/** The prefix of the weights a run evaluates and keeps as its best: the EMA's when it has one. */
export function evaluatedWeightsPrefix(ema: number | undefined): 'w/' | typeof EMA_PREFIX {
  return ema ? EMA_PREFIX : 'w/';
}

/**
 * Runs `fn` with the model's weights temporarily replaced by `weights` (e.g. the EMA's for validation), then
 * puts the model's own weights back, so training continues from them unchanged.
 */
export function withWeights<T>(model: tf.LayersModel, weights: readonly tf.Tensor[], fn: () => T): T {
  const own = model.getWeights().map((t) => t.clone());
  model.setWeights(weights as tf.Tensor[]);
  try {
    return fn();
  } finally {
    model.setWeights(own);
    tf.dispose(own);
  }
}
