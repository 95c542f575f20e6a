import {
  adaptiveAvgPool, conv, dense, dropout, flatten, maxPool, normActivation, registerArchitecture, relu, scope,
  type Node, type NormKind, type NormPosition,
} from '@cnnlab/core';

export interface VggOptions {
  /** Divides the conv channels (d2l trains VGG-11 with ÷4); the dense layers keep `hidden`. */
  widthDivisor: number;
  /** Units of the two hidden dense layers (4096 in the paper, also in d2l's narrow VGG). */
  hidden: number;
  dropout: number;
  /** 'batch' after every convolution gives torchvision's vgg*_bn (which keeps the conv biases). */
  norm: NormKind;
  normPosition: NormPosition;
}

/** VGG's convolutional part as (number of convs, channels) per block, d2l's `conv_arch`. */
export type VggArch = readonly (readonly [numConvs: number, channels: number])[];

/** Configurations A, B, D and E of Simonyan & Zisserman (2014). */
export const VGG_ARCHS = {
  vgg11: [[1, 64], [1, 128], [2, 256], [2, 512], [2, 512]],
  vgg13: [[2, 64], [2, 128], [2, 256], [2, 512], [2, 512]],
  vgg16: [[2, 64], [2, 128], [3, 256], [3, 512], [3, 512]],
  vgg19: [[2, 64], [2, 128], [4, 256], [4, 512], [4, 512]],
} as const satisfies Record<string, VggArch>;

const plain = { norm: 'none', normPosition: 'before' } as const;

/** d2l's vgg_block (Fig. 8.2.1): `numConvs` 3x3 convolutions with ReLU, then a 2x2 max pool halving the resolution. */
export function vggBlock(x: Node, numConvs: number, channels: number, o: Pick<VggOptions, 'norm' | 'normPosition'> = plain): Node {
  for (let i = 0; i < numConvs; i++) {
    x = normActivation(conv(x, { filters: channels, kernel: 3, padding: 1 }), { norm: o.norm, activation: 'relu', position: o.normPosition });
  }
  return maxPool(x, { size: 2, stride: 2 });
}

/** One VGG block per stage: stage1 … stage5 for the five-block configurations. */
export function vggFeatures(x: Node, arch: VggArch, o: VggOptions): Node {
  arch.forEach(([numConvs, channels], i) => {
    x = scope(`stage${i + 1}`, () => vggBlock(x, numConvs, Math.max(1, Math.floor(channels / o.widthDivisor)), o));
  });
  return x;
}

/** dense → ReLU → dropout, twice, then the output layer. */
export function vggClassifier(x: Node, classes: number, o: VggOptions): Node {
  x = flatten(x);
  x = scope('fc1', () => dropout(relu(dense(x, o.hidden)), o.dropout));
  x = scope('fc2', () => dropout(relu(dense(x, o.hidden)), o.dropout));
  return scope('head', () => dense(x, classes));
}

/** VGG as d2l 8.2 builds it: the blocks of `arch`, flattened straight into the classifier. */
export function vgg(x: Node, arch: VggArch, classes: number, o: VggOptions): Node {
  return vggClassifier(vggFeatures(x, arch, o), classes, o);
}

/** torchvision's VGG: the same layers with an AdaptiveAvgPool2d((7, 7)) before the classifier (an identity at 224x224). */
export function vggTorchvision(x: Node, arch: VggArch, classes: number, o: VggOptions): Node {
  return vggClassifier(adaptiveAvgPool(vggFeatures(x, arch, o), 7), classes, o);
}

const paper: VggOptions = { widthDivisor: 1, hidden: 4096, dropout: 0.5, ...plain };

registerArchitecture<VggOptions>({
  name: 'vgg11-d2l',
  family: 'vgg',
  description: 'VGG-11 with a quarter of the conv channels, as d2l 8.2 trains it on Fashion-MNIST at 224x224',
  source: 'd2l',
  defaults: { input: [1, 224, 224], classes: 10, options: { ...paper, widthDivisor: 4 }, training: { lr: 0.05, batchSize: 128, epochs: 10 } },
  reference: { params: 43_093_322, source: 'd2l VGG(arch=((1, 16), (1, 32), (2, 64), (2, 128), (2, 128))) (PyTorch)' },
  build: (x, { classes, options }) => vgg(x, VGG_ARCHS.vgg11, classes, options),
});

/** Multiply-adds at 3x224x224 (torchvision: 7.61, 11.31, 15.47, 19.63 GFLOPS); batch norm adds none. */
const MACS = { vgg11: 7_609_090_048, vgg13: 11_308_466_176, vgg16: 15_470_264_320, vgg19: 19_632_062_464 } as const;

/** torchvision's models as [name, configuration, batch norm, parameters]. */
const TORCHVISION_VGGS = [
  ['vgg11', 'vgg11', false, 132_863_336], ['vgg11_bn', 'vgg11', true, 132_868_840],
  ['vgg13', 'vgg13', false, 133_047_848], ['vgg13_bn', 'vgg13', true, 133_053_736],
  ['vgg16', 'vgg16', false, 138_357_544], ['vgg16_bn', 'vgg16', true, 138_365_992],
  ['vgg19', 'vgg19', false, 143_667_240], ['vgg19_bn', 'vgg19', true, 143_678_248],
] as const;

for (const [name, arch, bn, params] of TORCHVISION_VGGS) {
  registerArchitecture<VggOptions>({
    name,
    family: 'vgg',
    description: `torchvision's VGG-${arch.slice(3)}${bn ? ' with batch normalization' : ''} for ImageNet`,
    source: 'torchvision',
    defaults: { input: [3, 224, 224], classes: 1000, options: { ...paper, norm: bn ? 'batch' : 'none' } },
    reference: { params, macs: MACS[arch], source: `torchvision.models.${name}` },
    build: (x, { classes, options }) => vggTorchvision(x, VGG_ARCHS[arch], classes, options),
  });
}
