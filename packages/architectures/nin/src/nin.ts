import {
  conv, dropout, globalAvgPool, maxPool, normActivation, registerArchitecture, scope,
  type Node, type NormKind, type NormPosition,
} from '@cnnlab/core';

export interface NiNOptions {
  /** Divides the channels of the first three blocks; the last block always has one channel per class. */
  widthDivisor: number;
  /** Before the last block (d2l: 0.5). */
  dropout: number;
  /** Normalisation after each convolution (NiN itself has none). */
  norm: NormKind;
  normPosition: NormPosition;
}

const plain = { norm: 'none', normPosition: 'before' } as const;

/**
 * d2l's nin_block (Fig. 8.3.1): a convolution followed by two 1x1 convolutions,
 * each with ReLU — a small per-pixel MLP across channels.
 */
export function ninBlock(
  x: Node, channels: number, kernel: number, stride: number, padding: number, o: Pick<NiNOptions, 'norm' | 'normPosition'> = plain,
): Node {
  const unit = (y: Node) => normActivation(y, { norm: o.norm, activation: 'relu', position: o.normPosition });
  x = unit(conv(x, { filters: channels, kernel, stride, padding }));
  x = unit(conv(x, { filters: channels, kernel: 1 }));
  return unit(conv(x, { filters: channels, kernel: 1 }));
}

/** The three feature blocks as [channels, kernel, stride, padding], each followed by a 3x3/2 max pool. */
export const NIN_BLOCKS = [[96, 11, 4, 0], [256, 5, 1, 2], [384, 3, 1, 1]] as const;

/** NiN as d2l 8.3 builds it: no dense layers; the last block has one channel per class, averaged globally. */
export function nin(x: Node, classes: number, o: NiNOptions): Node {
  NIN_BLOCKS.forEach(([channels, kernel, stride, padding], i) => {
    const width = Math.max(1, Math.floor(channels / o.widthDivisor));
    x = scope(`stage${i + 1}`, () => maxPool(ninBlock(x, width, kernel, stride, padding, o), { size: 3, stride: 2 }));
  });
  return scope('head', () => globalAvgPool(ninBlock(dropout(x, o.dropout), classes, 3, 1, 1, o)));
}

registerArchitecture<NiNOptions>({
  name: 'nin',
  family: 'nin',
  description: 'Network in Network (d2l 8.3): NiN blocks and global average pooling, Fashion-MNIST at 224x224',
  source: 'd2l',
  defaults: { input: [1, 224, 224], classes: 10, options: { widthDivisor: 1, dropout: 0.5, ...plain }, training: { lr: 0.1, batchSize: 128, epochs: 10 } },
  reference: { params: 1_992_166, source: 'd2l NiN (PyTorch)' },
  build: (x, { classes, options }) => nin(x, classes, options),
});
