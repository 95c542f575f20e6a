import {
  avgPool, conv, dense, flatten, normActivation, registerArchitecture, scope,
  type Activation, type Node, type NormKind, type NormPosition,
} from '@cnnlab/core';

export interface LeNetOptions {
  /** d2l uses sigmoid (the 1998 original); relu is a common modernisation. */
  activation: Activation;
  /** 'batch' gives BN-LeNet (d2l 8.5); 'layer' uses layer norm instead. */
  norm: NormKind;
  /** Normalisation before the activation (the book) or after it. */
  normPosition: NormPosition;
  /** Padding of the first convolution: 2 in d2l's LeNet (28→28), 0 in its BN-LeNet (28→24). */
  firstPadding: number;
}

const convBlock = (x: Node, filters: number, kernel: number, padding: number, o: LeNetOptions): Node =>
  avgPool(normActivation(conv(x, { filters, kernel, padding }), { norm: o.norm, activation: o.activation, position: o.normPosition }), { size: 2, stride: 2 });

const denseBlock = (x: Node, units: number, o: LeNetOptions): Node =>
  normActivation(dense(x, units), { norm: o.norm, activation: o.activation, position: o.normPosition });

/** LeNet-5 as d2l 7.6 builds it: two conv/avg-pool blocks, then dense 120 → 84 → classes. */
export function lenet(x: Node, classes: number, o: LeNetOptions): Node {
  x = scope('block1', () => convBlock(x, 6, 5, o.firstPadding, o));
  x = scope('block2', () => convBlock(x, 16, 5, 0, o));
  x = flatten(x);
  x = scope('fc1', () => denseBlock(x, 120, o));
  x = scope('fc2', () => denseBlock(x, 84, o));
  return scope('head', () => dense(x, classes));
}

const plain: LeNetOptions = { activation: 'sigmoid', norm: 'none', normPosition: 'before', firstPadding: 2 };

registerArchitecture<LeNetOptions>({
  name: 'lenet',
  family: 'lenet',
  description: 'LeNet-5 (d2l 7.6): sigmoid, average pooling, 28x28 input',
  source: 'd2l',
  defaults: { input: [1, 28, 28], classes: 10, options: plain, training: { lr: 0.9, batchSize: 256, epochs: 10 } },
  reference: { params: 61_706, source: 'd2l LeNet (PyTorch)' },
  build: (x, { classes, options }) => lenet(x, classes, options),
});

registerArchitecture<LeNetOptions>({
  name: 'bn-lenet',
  family: 'lenet',
  description: 'LeNet with batch normalization before each sigmoid (d2l 8.5)',
  source: 'd2l',
  defaults: { input: [1, 28, 28], classes: 10, options: { ...plain, norm: 'batch', firstPadding: 0 }, training: { lr: 1.0, batchSize: 256, epochs: 10 } },
  reference: { params: 44_878, source: 'd2l BN-LeNet with nn.BatchNorm (PyTorch)' },
  build: (x, { classes, options }) => lenet(x, classes, options),
});
