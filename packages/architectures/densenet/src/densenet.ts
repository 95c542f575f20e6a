import {
  avgPool, channels, concat, conv, dense, globalAvgPool, maxPool, norm, registerAlias, registerArchitecture, relu, scope,
  type Node, type NormKind,
} from '@cnnlab/core';

export interface ConvBlockOptions {
  /** Default 3 (with padding 1); 1 for bottleneck and transition convolutions. */
  kernel?: number;
  /** Default true (d2l); torchvision's DenseNet convs have none. */
  bias?: boolean;
  norm?: NormKind;
}

/** d2l's conv_block: the pre-activation order BN → ReLU → conv. */
export function convBlock(x: Node, channels: number, o: ConvBlockOptions = {}): Node {
  const kernel = o.kernel ?? 3;
  return conv(relu(norm(x, o.norm ?? 'batch')), { filters: channels, kernel, padding: (kernel - 1) / 2, bias: o.bias ?? true });
}

export interface DenseBlockOptions extends Omit<ConvBlockOptions, 'kernel'> {
  /**
   * torchvision's bn_size: each layer first narrows to bottleneckFactor x growth
   * channels with a 1x1 conv block (DenseNet-B). 0 (d2l): no bottleneck.
   */
  bottleneckFactor?: number;
}

/** One layer of a dense block: the new `growth` channels. */
function denseLayer(x: Node, growth: number, o: DenseBlockOptions): Node {
  const factor = o.bottleneckFactor ?? 0;
  if (factor > 0) x = convBlock(x, factor * growth, { ...o, kernel: 1 });
  return convBlock(x, growth, o);
}

/** d2l's DenseBlock: each conv block's output is concatenated to its input, adding `growth` channels. */
export function denseBlock(x: Node, numConvs: number, growth: number, o: DenseBlockOptions = {}): Node {
  for (let i = 0; i < numConvs; i++) {
    x = scope(`layer${i + 1}`, () => concat([x, denseLayer(x, growth, o)]));
  }
  return x;
}

/** d2l's transition_block: BN → ReLU → 1x1 conv to `channels`, then 2x2 average pooling halves the resolution. */
export function transitionBlock(x: Node, channels: number, o: Omit<ConvBlockOptions, 'kernel'> = {}): Node {
  return avgPool(convBlock(x, channels, { ...o, kernel: 1 }), { size: 2, stride: 2 });
}

export interface DenseNetOptions {
  /** Channels of the 7x7 stem convolution (ResNet's stem). */
  stemChannels: number;
  growth: number;
  /** Conv blocks per dense block: d2l (4, 4, 4, 4), DenseNet-121 (6, 12, 24, 16). */
  blocks: readonly number[];
  /** torchvision's bn_size (4 for DenseNet-121); 0 for d2l's plain dense layers. */
  bottleneckFactor: number;
  /** Channels kept by each transition: floor(channels x compression). */
  compression: number;
  bias: boolean;
  norm: NormKind;
}

/** DenseNet as d2l 8.7.4 and torchvision build it. */
export function densenet(x: Node, classes: number, o: DenseNetOptions): Node {
  const { bias, norm: kind, bottleneckFactor } = o;
  x = scope('stem', () => {
    const y = relu(norm(conv(x, { filters: o.stemChannels, kernel: 7, stride: 2, padding: 3, bias }), kind));
    return maxPool(y, { size: 3, stride: 2, padding: 1 });
  });
  o.blocks.forEach((numConvs, i) => {
    x = scope(`dense${i + 1}`, () => denseBlock(x, numConvs, o.growth, { bias, norm: kind, bottleneckFactor }));
    if (i < o.blocks.length - 1) {
      const kept = Math.floor(channels(x) * o.compression);
      x = scope(`transition${i + 1}`, () => transitionBlock(x, kept, { bias, norm: kind }));
    }
  });
  return scope('head', () => dense(globalAvgPool(relu(norm(x, kind))), classes));
}

registerArchitecture<DenseNetOptions>({
  name: 'densenet-d2l',
  family: 'densenet',
  description: 'DenseNet (d2l 8.7): 4 dense blocks of 4 convs, growth 32, transitions halving channels, 96x96 Fashion-MNIST',
  source: 'd2l',
  defaults: {
    input: [1, 96, 96],
    classes: 10,
    options: { stemChannels: 64, growth: 32, blocks: [4, 4, 4, 4], bottleneckFactor: 0, compression: 0.5, bias: true, norm: 'batch' },
    training: { lr: 0.1, batchSize: 256, epochs: 10 },
  },
  reference: { params: 758_226, source: 'd2l DenseNet (PyTorch)' },
  build: (x, { classes, options }) => densenet(x, classes, options),
});

registerArchitecture<DenseNetOptions>({
  name: 'densenet121',
  family: 'densenet',
  description: 'DenseNet-121 (torchvision): growth 32, blocks (6, 12, 24, 16), BN-ReLU-conv1x1 bottlenecks (bn_size 4), compression 0.5',
  source: 'torchvision',
  defaults: {
    input: [3, 224, 224],
    classes: 1000,
    options: { stemChannels: 64, growth: 32, blocks: [6, 12, 24, 16], bottleneckFactor: 4, compression: 0.5, bias: false, norm: 'batch' },
  },
  reference: { params: 7_978_856, macs: 2.834e9, source: 'torchvision densenet121' },
  build: (x, { classes, options }) => densenet(x, classes, options),
});

/** The course's name for it (`cnnlab complexity … densenet …`). */
registerAlias('densenet', 'densenet-d2l');
