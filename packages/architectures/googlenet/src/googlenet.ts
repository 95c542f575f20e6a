import {
  concat, conv, dense, dropout, globalAvgPool, maxPool, norm, registerArchitecture, relu, scope,
  type Node, type NormKind, type NormPosition,
} from '@cnnlab/core';

/** How every convolution of an Inception network is built. */
export interface InceptionOptions {
  /** d2l: none (conv + ReLU); torchvision's BasicConv2d: 'batch' (conv + BN + ReLU). */
  norm: NormKind;
  normPosition: NormPosition;
  /** Convolution biases: d2l has them; torchvision drops them because BN follows. */
  bias: boolean;
  /** Batch norm epsilon: PyTorch's default 1e-5, torchvision's BasicConv2d 0.001. */
  bnEpsilon: number;
  /** Kernel of branch 3's second convolution: 5 in the paper and d2l; 3 in torchvision (a known quirk, kept for its weights). */
  branch3Kernel: number;
}

export interface GoogLeNetOptions extends InceptionOptions {
  /** Divides every channel count (1 = the paper). */
  widthDivisor: number;
  /** Before the output layer: none in d2l, 0.2 in torchvision. */
  dropout: number;
}

const d2lInception: InceptionOptions = { norm: 'none', normPosition: 'before', bias: true, bnEpsilon: 1e-5, branch3Kernel: 5 };

function normalize(x: Node, o: InceptionOptions): Node {
  return norm(x, o.norm, { epsilon: o.bnEpsilon });
}

/** A convolution followed by ReLU, with normalisation before or after the ReLU if asked. */
function convUnit(x: Node, filters: number, kernel: number, o: InceptionOptions, { stride = 1, padding = 0 } = {}): Node {
  x = conv(x, { filters, kernel, stride, padding, bias: o.bias });
  return o.normPosition === 'before' ? relu(normalize(x, o)) : normalize(relu(x), o);
}

/**
 * d2l's Inception block (Fig. 8.4.1): four parallel branches — 1x1; 1x1 → 3x3;
 * 1x1 → 5x5; 3x3 max pool → 1x1 — concatenated along the channels.
 */
export function inception(
  x: Node, c1: number, [c2a, c2b]: readonly [number, number], [c3a, c3b]: readonly [number, number], c4: number,
  o: InceptionOptions = d2lInception,
): Node {
  const k3 = o.branch3Kernel;
  const b1 = scope('branch1', () => convUnit(x, c1, 1, o));
  const b2 = scope('branch2', () => convUnit(convUnit(x, c2a, 1, o), c2b, 3, o, { padding: 1 }));
  const b3 = scope('branch3', () => convUnit(convUnit(x, c3a, 1, o), c3b, k3, o, { padding: (k3 - 1) / 2 }));
  const b4 = scope('branch4', () => convUnit(maxPool(x, { size: 3, stride: 1, padding: 1 }), c4, 1, o));
  return concat([b1, b2, b3, b4]);
}

/** One Inception block's channels: [c1, [c2a, c2b], [c3a, c3b], c4]. */
export type InceptionChannels = readonly [c1: number, c2: readonly [number, number], c3: readonly [number, number], c4: number];

/** The Inception blocks of stages 3, 4 and 5 (Szegedy et al. 2015, Table 1; d2l's b3, b4, b5). */
export const GOOGLENET_STAGES: readonly (readonly InceptionChannels[])[] = [
  [[64, [96, 128], [16, 32], 32], [128, [128, 192], [32, 96], 64]],
  [[192, [96, 208], [16, 48], 64], [160, [112, 224], [24, 64], 64], [128, [128, 256], [24, 64], 64],
    [112, [144, 288], [32, 64], 64], [256, [160, 320], [32, 128], 128]],
  [[256, [160, 320], [32, 128], 128], [384, [192, 384], [48, 128], 128]],
];

/** Stages 3–5: their Inception blocks, each stage closed by `ends[i]` (a pool). */
function inceptionStages(x: Node, o: GoogLeNetOptions, ends: readonly ((y: Node) => Node)[]): Node {
  const w = (c: number) => Math.max(1, Math.floor(c / o.widthDivisor));
  GOOGLENET_STAGES.forEach((blocks, i) => {
    x = scope(`stage${i + 3}`, () => {
      blocks.forEach(([c1, [c2a, c2b], [c3a, c3b], c4], j) => {
        x = scope(`block${j + 1}`, () => inception(x, w(c1), [w(c2a), w(c2b)], [w(c3a), w(c3b)], w(c4), o));
      });
      return ends[i]!(x);
    });
  });
  return x;
}

/** Stages 1 and 2: 7x7/2 conv; then 1x1 and 3x3 convs; each stage closed by `pool`. */
function stem(x: Node, o: GoogLeNetOptions, pool: (y: Node) => Node): Node {
  const w = (c: number) => Math.max(1, Math.floor(c / o.widthDivisor));
  x = scope('stage1', () => pool(convUnit(x, w(64), 7, o, { stride: 2, padding: 3 })));
  return scope('stage2', () => pool(convUnit(convUnit(x, w(64), 1, o), w(192), 3, o, { padding: 1 })));
}

const head = (x: Node, classes: number, o: GoogLeNetOptions): Node =>
  scope('head', () => dense(o.dropout > 0 ? dropout(x, o.dropout) : x, classes));

/** GoogLeNet as d2l 8.4 builds it (Fig. 8.4.2): every max pool 3x3, stride 2, padding 1. */
export function googlenet(x: Node, classes: number, o: GoogLeNetOptions): Node {
  const pool = (y: Node) => maxPool(y, { size: 3, stride: 2, padding: 1 });
  x = inceptionStages(stem(x, o, pool), o, [pool, pool, globalAvgPool]);
  return head(x, classes, o);
}

/** core keeps its layer namer private: borrow a scoped name from a pad layer that the model never uses. */
/** PyTorch's MaxPool2d(size, stride, ceil_mode=True), as torchvision's GoogLeNet pools. */
export const maxPoolCeil = (x: Node, size: number, stride: number): Node => maxPool(x, { size, stride, ceilMode: true });

/** torchvision's GoogLeNet without the auxiliary classifiers: BN convs, ceil-mode pools, a 2x2 pool before stage 5. */
export function googlenetTorchvision(x: Node, classes: number, o: GoogLeNetOptions): Node {
  const pool = (y: Node) => maxPoolCeil(y, 3, 2);
  x = inceptionStages(stem(x, o, pool), o, [pool, (y) => maxPoolCeil(y, 2, 2), globalAvgPool]);
  return head(x, classes, o);
}

registerArchitecture<GoogLeNetOptions>({
  name: 'googlenet-d2l',
  family: 'googlenet',
  description: 'GoogLeNet as d2l 8.4 trains it on Fashion-MNIST at 96x96',
  source: 'd2l',
  defaults: { input: [1, 96, 96], classes: 10, options: { ...d2lInception, widthDivisor: 1, dropout: 0 }, training: { lr: 0.1, batchSize: 128, epochs: 10 } },
  reference: { params: 5_977_530, source: 'd2l GoogleNet (PyTorch)' },
  build: (x, { classes, options }) => googlenet(x, classes, options),
});

registerArchitecture<GoogLeNetOptions>({
  name: 'googlenet',
  family: 'googlenet',
  description: "torchvision's GoogLeNet (Inception v1) for ImageNet, without the auxiliary classifiers",
  source: 'torchvision',
  defaults: {
    input: [3, 224, 224],
    classes: 1000,
    options: { norm: 'batch', normPosition: 'before', bias: false, bnEpsilon: 1e-3, branch3Kernel: 3, widthDivisor: 1, dropout: 0.2 },
  },
  reference: { params: 6_624_904, source: 'torchvision.models.googlenet, aux_logits=False (1.50 GFLOPS)' },
  build: (x, { classes, options }) => googlenetTorchvision(x, classes, options),
});
