import * as tf from '@tensorflow/tfjs';

export interface GroupedConv2DArgs {
  filters: number;
  kernelSize: number;
  strides?: number;
  /** Number of groups g (not the group width): input and output channels are split into g equal parts. */
  groups: number;
  padding?: 'same' | 'valid';
  useBias?: boolean;
  seed?: number;
  name?: string;
}

/**
 * A convolution whose channels are split into `groups` independent parts
 * (PyTorch's `groups=`), as ResNeXt and RegNet use. One kernel [k, k, cin/g, cout]
 * is held; the forward pass splits input and kernel, convolves each group and
 * concatenates, which trains on every backend including wasm and measured
 * fastest here for the course's 2–5 groups. Initialised Xavier-uniform (seeded). Costs k²·cin·cout/g multiply-adds
 * per output pixel instead of k²·cin·cout.
 */
/**
 * Kernels a backend may register to run a grouped convolution as one op (the
 * torch backend: aten::convolution with groups, and convolution_backward):
 * forward {x, filter} -> y, gradient {dy, x, filter} -> [dx, dFilter], attrs
 * {strides, pad, groups}. Other backends split, convolve per group and concatenate.
 */
export const GROUPED_CONV_KERNEL = 'CnnlabGroupedConv2D';
export const GROUPED_CONV_GRAD_KERNEL = 'CnnlabGroupedConv2DGrad';

function nativeGroupedConv(x: tf.Tensor4D, filter: tf.Tensor4D, attrs: { strides: number; pad: 'same' | 'valid'; groups: number }): tf.Tensor4D {
  const op = tf.customGrad(((input: tf.Tensor, f: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input, f]);
    return {
      value: tf.engine().runKernel(GROUPED_CONV_KERNEL, { x: input, filter: f }, attrs) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, [xs, fs]: tf.Tensor[]) => tf.engine().runKernel(GROUPED_CONV_GRAD_KERNEL, { dy, x: xs!, filter: fs! }, attrs) as tf.Tensor[],
    };
  }) as never) as (input: tf.Tensor, f: tf.Tensor) => tf.Tensor4D;
  return op(x, filter);
}

export class GroupedConv2D extends tf.layers.Layer {
  static readonly className = 'CnnlabGroupedConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly groups: number;
  readonly padding: 'same' | 'valid';
  readonly useBias: boolean;
  private readonly seed: number | undefined;
  private kernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;

  constructor(args: GroupedConv2DArgs) {
    super({ name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    this.groups = args.groups;
    this.padding = args.padding ?? 'same';
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
    if (!Number.isInteger(this.groups) || this.groups < 1) throw new Error(`${this.name}: groups must be a positive integer, got ${this.groups}`);
    if (this.filters % this.groups !== 0) {
      throw new Error(`${this.name}: ${this.filters} output channels cannot be split into ${this.groups} groups`);
    }
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const cin = shape[shape.length - 1]!;
    if (cin % this.groups !== 0) {
      throw new Error(`${this.name}: ${cin} input channels cannot be split into ${this.groups} groups`);
    }
    const k = this.kernelSize;
    // Xavier/Glorot uniform over the per-group fan-in and fan-out, as PyTorch's xavier_uniform_ on a grouped weight.
    const initializer = tf.initializers.glorotUniform({ seed: this.seed });
    this.kernel = this.addWeight('kernel', [k, k, cin / this.groups, this.filters], 'float32', initializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w] = inputShape as tf.Shape;
    const out = (size: number | null) => {
      if (size == null) return null;
      return this.padding === 'same' ? Math.ceil(size / this.strides) : Math.floor((size - this.kernelSize) / this.strides) + 1;
    };
    return [n!, out(h!), out(w!), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const kernel = this.kernel.read() as tf.Tensor4D;
      let y: tf.Tensor4D;
      if (this.groups === 1) {
        y = tf.conv2d(x, kernel, this.strides, this.padding) as tf.Tensor4D;
      } else if (tf.getKernel(GROUPED_CONV_KERNEL, tf.getBackend())) {
        y = nativeGroupedConv(x, kernel, { strides: this.strides, pad: this.padding, groups: this.groups });
      } else {
        const xs = tf.split(x, this.groups, 3);
        const ks = tf.split(kernel, this.groups, 3);
        y = tf.concat(xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ks[i] as tf.Tensor4D, this.strides, this.padding) as tf.Tensor4D), 3);
      }
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      groups: this.groups,
      padding: this.padding,
      useBias: this.useBias,
      seed: this.seed ?? null,
    };
  }
}
tf.serialization.registerClass(GroupedConv2D);
