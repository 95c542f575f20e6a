import * as tf from '@tensorflow/tfjs';

/**
 * Where dropout masks come from. tfjs-layers' Dropout with a seed draws the
 * same mask on every call, and without one it uses Math.random, which no
 * checkpoint can restore. Here every mask is drawn from (layer seed, draw
 * counter); the trainer saves and restores the counter, so a resumed run
 * draws exactly the masks the uninterrupted run would have.
 */
let draws = 0;

export function getDropoutState(): number {
  return draws;
}

export function setDropoutState(value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new Error(`Invalid dropout state ${value}`);
  draws = value;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return (h >>> 0) % 2147483647;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'CnnlabDropout';
  readonly rate: number;
  readonly seed: number;

  constructor(args: { rate: number; seed?: number; name?: string }) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`Dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs.training || this.rate === 0) return tf.clone(x);
    return tf.tidy(() => {
      const keep = tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', mix(this.seed, draws++)), 1 - this.rate);
      return tf.div(tf.mul(x, tf.cast(keep, 'float32')), 1 - this.rate);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
