import * as tf from '@tensorflow/tfjs';

/** The lowest float32: a JSON-serialisable stand-in for -Infinity. */
export const FLOAT32_LOWEST = -3.4028234663852886e38;

/**
 * Explicit, possibly asymmetric padding with a constant (PyTorch's `padding=p`
 * on convolutions and pooling). tfjs-layers only knows 'same' and 'valid', and
 * its ZeroPadding2D cannot pad max pooling with -inf.
 */
export class Padding2D extends tf.layers.Layer {
  static readonly className = 'CnnlabPadding2D';
  readonly padding: [number, number, number, number];
  readonly value: number;

  constructor(args: { padding: [number, number, number, number]; value?: number; name?: string }) {
    super({ name: args.name });
    this.padding = args.padding;
    this.value = args.value ?? 0;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = inputShape as tf.Shape;
    const [t, b, l, r] = this.padding;
    return [n!, h == null ? null : h + t + b, w == null ? null : w + l + r, c!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const [t, b, l, r] = this.padding;
    return tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]], this.value);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding, value: this.value };
  }
}
tf.serialization.registerClass(Padding2D);
