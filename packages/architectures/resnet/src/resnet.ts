import {
  add, channels, conv, dense, globalAvgPool, maxPool, norm, registerArchitecture, relu, scope,
  type Node, type NormKind,
} from '@cnnlab/core';

export interface ResidualOptions {
  channels: number;
  /** A 1x1 convolution on the shortcut (d2l's `use_1x1conv`), needed when the shape changes. */
  shortcut?: boolean;
  stride?: number;
  /** Convolution biases: d2l's convs have them, torchvision's (followed by BN) do not. Default true. */
  bias?: boolean;
  /** Normalise the shortcut's 1x1 conv (torchvision's downsample); d2l's Residual does not. Default false. */
  shortcutNorm?: boolean;
  norm?: NormKind;
}

/** d2l's Residual block (Fig. 8.6.3), torchvision's BasicBlock: two 3x3 convs, added to the (projected) input. */
export function residual(x: Node, o: ResidualOptions): Node {
  const stride = o.stride ?? 1;
  const bias = o.bias ?? true;
  const kind = o.norm ?? 'batch';
  let y = relu(norm(conv(x, { filters: o.channels, kernel: 3, stride, padding: 1, bias }), kind));
  y = norm(conv(y, { filters: o.channels, kernel: 3, padding: 1, bias }), kind);
  if (o.shortcut) {
    x = conv(x, { filters: o.channels, kernel: 1, stride, bias });
    if (o.shortcutNorm) x = norm(x, kind);
  }
  return relu(add([y, x]));
}

export interface ResNeXtBlockOptions {
  /** Output channels of the block. */
  channels: number;
  /**
   * Channels per group of the 3x3 convolution (d2l's `groups` argument).
   * The number of groups is bottleneck channels / groupWidth.
   */
  groupWidth: number;
  /** Bottleneck channels = round(channels x bottleneckRatio) (d2l's `bot_mul`). */
  bottleneckRatio: number;
  /** A 1x1 conv + norm on the shortcut (d2l's `use_1x1conv`). */
  shortcut?: boolean;
  stride?: number;
  /** Default true (d2l); torchvision's Bottleneck has none. */
  bias?: boolean;
  /** Normalise the shortcut's 1x1 conv (d2l's bn4, torchvision's downsample). Default true. */
  shortcutNorm?: boolean;
  norm?: NormKind;
}

/** Bottleneck channels and number of groups of a ResNeXt block; fails unless the group width divides the bottleneck. */
export function resnextGroups(
  o: Pick<ResNeXtBlockOptions, 'channels' | 'groupWidth' | 'bottleneckRatio'>, where = 'ResNeXt block',
): { bottleneck: number; groups: number } {
  const bottleneck = Math.round(o.channels * o.bottleneckRatio);
  if (!Number.isInteger(o.groupWidth) || o.groupWidth < 1 || bottleneck < 1 || bottleneck % o.groupWidth !== 0) {
    throw new Error(`${where}: group width ${o.groupWidth} does not divide the bottleneck width ${bottleneck} (= round(${o.channels} channels x ratio ${o.bottleneckRatio}))`);
  }
  return { bottleneck, groups: bottleneck / o.groupWidth };
}

/**
 * d2l's ResNeXtBlock (Fig. 8.6.5), torchvision's Bottleneck: 1x1 conv to the
 * bottleneck, grouped 3x3 conv (stride here, as in ResNet v1.5), 1x1 conv back.
 */
export function resnextBlock(x: Node, o: ResNeXtBlockOptions): Node {
  const { bottleneck, groups } = resnextGroups(o);
  const stride = o.stride ?? 1;
  const bias = o.bias ?? true;
  const kind = o.norm ?? 'batch';
  let y = relu(norm(conv(x, { filters: bottleneck, kernel: 1, bias }), kind));
  y = relu(norm(conv(y, { filters: bottleneck, kernel: 3, stride, padding: 1, groups, bias }), kind));
  y = norm(conv(y, { filters: o.channels, kernel: 1, bias }), kind);
  if (o.shortcut) {
    x = conv(x, { filters: o.channels, kernel: 1, stride, bias });
    if (o.shortcutNorm ?? true) x = norm(x, kind);
  }
  return relu(add([y, x]));
}

export interface ResNetStage {
  blocks: number;
  /** Output channels of every block in the stage. */
  channels: number;
  /** Bottleneck blocks only: channels per group of the 3x3 conv. */
  groupWidth?: number;
  /** Bottleneck blocks only: bottleneck channels / output channels. */
  bottleneckRatio?: number;
}

export interface ResNetOptions {
  /** 'basic': two 3x3 convs (ResNet-18/34); 'bottleneck': 1x1-3x3-1x1 (ResNet-50, ResNeXt). */
  block: 'basic' | 'bottleneck';
  /** Channels of the 7x7 stem convolution. */
  stemChannels: number;
  stages: readonly ResNetStage[];
  /** Convolution biases: true in d2l, false in torchvision. */
  bias: boolean;
  /** Normalise the 1x1 shortcut conv: torchvision always; d2l only in ResNeXt blocks. */
  shortcutNorm: boolean;
  norm: NormKind;
}

/** d2l's b1: 7x7 conv, norm, ReLU, 3x3 max pool, each stride 2. */
export function resnetStem(x: Node, o: Pick<ResNetOptions, 'stemChannels' | 'bias' | 'norm'>): Node {
  x = relu(norm(conv(x, { filters: o.stemChannels, kernel: 7, stride: 2, padding: 3, bias: o.bias }), o.norm));
  return maxPool(x, { size: 3, stride: 2, padding: 1 });
}

/** One stage; its first block halves the resolution (except in stage 1) and projects when the shape changes. */
function stage(x: Node, s: ResNetStage, index: number, o: ResNetOptions): Node {
  const bottleneck = { groupWidth: s.groupWidth ?? s.channels, bottleneckRatio: s.bottleneckRatio ?? 1 };
  if (o.block === 'bottleneck') resnextGroups({ channels: s.channels, ...bottleneck }, `stage${index + 1}`);
  for (let i = 0; i < s.blocks; i++) {
    const stride = i === 0 && index > 0 ? 2 : 1;
    const shortcut = stride !== 1 || channels(x) !== s.channels;
    const common = { channels: s.channels, stride, shortcut, bias: o.bias, shortcutNorm: o.shortcutNorm, norm: o.norm };
    x = scope(`block${i + 1}`, () => (o.block === 'basic' ? residual(x, common) : resnextBlock(x, { ...common, ...bottleneck })));
  }
  return x;
}

/** ResNet as d2l 8.6.4 and torchvision build it: stem, stages of residual blocks, global average pool, dense. */
export function resnet(x: Node, classes: number, o: ResNetOptions): Node {
  x = scope('stem', () => resnetStem(x, o));
  o.stages.forEach((s, i) => {
    x = scope(`stage${i + 1}`, () => stage(x, s, i, o));
  });
  return scope('head', () => dense(globalAvgPool(x), classes));
}

/**
 * torchvision's stages: `layers[i]` blocks of 64·2^i planes. Bottleneck blocks
 * output 4·planes channels with floor(planes·widthPerGroup/64)·groups bottleneck
 * channels in `groups` groups (resnext50_32x4d: groups 32, widthPerGroup 4).
 */
export function torchvisionStages(block: ResNetOptions['block'], layers: readonly number[], groups = 1, widthPerGroup = 64): ResNetStage[] {
  return layers.map((blocks, i) => {
    const planes = 64 * 2 ** i;
    if (block === 'basic') return { blocks, channels: planes };
    const width = Math.floor((planes * widthPerGroup) / 64) * groups;
    return { blocks, channels: 4 * planes, groupWidth: width / groups, bottleneckRatio: width / (4 * planes) };
  });
}

const d2l: ResNetOptions = {
  block: 'basic',
  stemChannels: 64,
  stages: [{ blocks: 2, channels: 64 }, { blocks: 2, channels: 128 }, { blocks: 2, channels: 256 }, { blocks: 2, channels: 512 }],
  bias: true,
  shortcutNorm: false,
  norm: 'batch',
};

const torchvision = (block: ResNetOptions['block'], layers: number[], groups = 1, widthPerGroup = 64): ResNetOptions =>
  ({ block, stemChannels: 64, stages: torchvisionStages(block, layers, groups, widthPerGroup), bias: false, shortcutNorm: true, norm: 'batch' });

// d2l 2.0 trains ResNet-18 with lr 0.05 (d2l 1.0: 0.01).
const d2lTraining = { lr: 0.05, batchSize: 256, epochs: 10 };

registerArchitecture<ResNetOptions>({
  name: 'resnet18-d2l',
  family: 'resnet',
  description: 'ResNet-18 (d2l 8.6): residual blocks, 1x1-conv shortcuts without BN, 96x96 Fashion-MNIST',
  source: 'd2l',
  defaults: { input: [1, 96, 96], classes: 10, options: d2l, training: d2lTraining },
  reference: { params: 11_178_378, source: 'd2l ResNet18 (PyTorch)' },
  build: (x, { classes, options }) => resnet(x, classes, options),
});

registerArchitecture<ResNetOptions>({
  name: 'resnext-d2l',
  family: 'resnet',
  description: 'ResNet-18 layout with d2l ResNeXt blocks (group width 16, bottleneck ratio 1), 96x96 Fashion-MNIST',
  source: 'cnnlab',
  defaults: {
    input: [1, 96, 96],
    classes: 10,
    options: { ...d2l, block: 'bottleneck', shortcutNorm: true, stages: d2l.stages.map((s) => ({ ...s, groupWidth: 16, bottleneckRatio: 1 })) },
    training: d2lTraining,
  },
  build: (x, { classes, options }) => resnet(x, classes, options),
});

const imagenet = { input: [3, 224, 224] as const, classes: 1000 };

for (const [name, block, layers, params, macs] of [
  ['resnet18', 'basic', [2, 2, 2, 2], 11_689_512, 1.814e9],
  ['resnet34', 'basic', [3, 4, 6, 3], 21_797_672, 3.664e9],
  ['resnet50', 'bottleneck', [3, 4, 6, 3], 25_557_032, 4.089e9],
] as const) {
  registerArchitecture<ResNetOptions>({
    name,
    family: 'resnet',
    description: `${name.replace('resnet', 'ResNet-')} (torchvision): ${block === 'basic' ? 'BasicBlock' : 'Bottleneck v1.5'}, BN on the downsample shortcut`,
    source: 'torchvision',
    defaults: { ...imagenet, options: torchvision(block, [...layers]) },
    reference: { params, macs, source: `torchvision ${name}` },
    build: (x, { classes, options }) => resnet(x, classes, options),
  });
}

registerArchitecture<ResNetOptions>({
  name: 'resnext50_32x4d',
  family: 'resnet',
  description: 'ResNeXt-50 32x4d (torchvision): 32 groups of width 4 in stage 1, doubling per stage',
  source: 'torchvision',
  defaults: { ...imagenet, options: torchvision('bottleneck', [3, 4, 6, 3], 32, 4) },
  reference: { params: 25_028_904, macs: 4.23e9, source: 'torchvision resnext50_32x4d' },
  build: (x, { classes, options }) => resnet(x, classes, options),
});
