import {
  adaptiveAvgPool, conv, dense, dropout, flatten, maxPool, normActivation, registerArchitecture, relu, scope,
  type Node, type NormKind, type NormPosition,
} from '@cnnlab/core';

export interface AlexNetOptions {
  /** Divides every conv layer's channels (1 = the paper); the dense layers keep `hidden`. */
  widthDivisor: number;
  /** Units of the two hidden dense layers (4096 in the paper). */
  hidden: number;
  dropout: number;
  /** Normalisation after each convolution (AlexNet itself has none). */
  norm: NormKind;
  normPosition: NormPosition;
}

/** One convolution as [filters, kernel, stride, padding]. */
export type AlexNetConv = readonly [filters: number, kernel: number, stride: number, padding: number];

/** d2l 8.1 (Fig. 8.1.2): AlexNet's five convolutions on one GPU. */
export const ALEXNET_D2L_CONVS: readonly AlexNetConv[] = [[96, 11, 4, 1], [256, 5, 1, 2], [384, 3, 1, 1], [384, 3, 1, 1], [256, 3, 1, 1]];
/** torchvision's `alexnet` ("one weird trick" widths: 64, 192, 384, 256, 256). */
export const ALEXNET_TORCHVISION_CONVS: readonly AlexNetConv[] = [[64, 11, 4, 2], [192, 5, 1, 2], [384, 3, 1, 1], [256, 3, 1, 1], [256, 3, 1, 1]];

const convRelu = (x: Node, [filters, kernel, stride, padding]: AlexNetConv, o: AlexNetOptions): Node =>
  normActivation(conv(x, { filters: Math.max(1, Math.floor(filters / o.widthDivisor)), kernel, stride, padding }),
    { norm: o.norm, activation: 'relu', position: o.normPosition });

const pool = (x: Node): Node => maxPool(x, { size: 3, stride: 2 });

/** The convolutional part: conv → pool, conv → pool, the remaining convs → pool. */
export function alexnetFeatures(x: Node, convs: readonly AlexNetConv[], o: AlexNetOptions): Node {
  x = scope('stage1', () => pool(convRelu(x, convs[0]!, o)));
  x = scope('stage2', () => pool(convRelu(x, convs[1]!, o)));
  return scope('stage3', () => pool(convs.slice(2).reduce((y, c) => convRelu(y, c, o), x)));
}

/** AlexNet as d2l 8.1 builds it: dense → ReLU → dropout, twice, then the output layer. */
export function alexnet(x: Node, classes: number, o: AlexNetOptions): Node {
  x = flatten(alexnetFeatures(x, ALEXNET_D2L_CONVS, o));
  x = scope('fc1', () => dropout(relu(dense(x, o.hidden)), o.dropout));
  x = scope('fc2', () => dropout(relu(dense(x, o.hidden)), o.dropout));
  return scope('head', () => dense(x, classes));
}

/** torchvision's AlexNet: narrower convs, a 6x6 adaptive pool, and dropout before (not after) each hidden dense layer. */
export function alexnetTorchvision(x: Node, classes: number, o: AlexNetOptions): Node {
  x = flatten(adaptiveAvgPool(alexnetFeatures(x, ALEXNET_TORCHVISION_CONVS, o), 6));
  x = scope('fc1', () => relu(dense(dropout(x, o.dropout), o.hidden)));
  x = scope('fc2', () => relu(dense(dropout(x, o.dropout), o.hidden)));
  return scope('head', () => dense(x, classes));
}

const paper: AlexNetOptions = { widthDivisor: 1, hidden: 4096, dropout: 0.5, norm: 'none', normPosition: 'before' };

registerArchitecture<AlexNetOptions>({
  name: 'alexnet-d2l',
  family: 'alexnet',
  description: 'AlexNet as d2l 8.1 trains it on Fashion-MNIST resized to 224x224',
  source: 'd2l',
  defaults: { input: [1, 224, 224], classes: 10, options: paper, training: { lr: 0.01, batchSize: 128, epochs: 10 } },
  reference: { params: 46_764_746, source: 'd2l AlexNet (PyTorch)' },
  build: (x, { classes, options }) => alexnet(x, classes, options),
});

registerArchitecture<AlexNetOptions>({
  name: 'alexnet',
  family: 'alexnet',
  description: "torchvision's AlexNet for ImageNet (64-192-384-256-256 channels)",
  source: 'torchvision',
  defaults: { input: [3, 224, 224], classes: 1000, options: paper },
  reference: { params: 61_100_840, macs: 714_188_480, source: 'torchvision.models.alexnet (0.714 GFLOPS)' },
  build: (x, { classes, options }) => alexnetTorchvision(x, classes, options),
});
