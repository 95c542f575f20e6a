import {
  add, conv, dense, globalAvgPool, norm, relu, scope,
  type Node, type NormKind,
} from '@cnnlab/core';
import { validateAnyNet } from './design-space.js';

/** One AnyNet stage (d2l 8.8.1): `depth` X-blocks of `width` channels. */
export interface AnyNetStage {
  depth: number;
  width: number;
  /** Channels per group of the 3x3 convolution; groups = bottleneck width / groupWidth. */
  groupWidth: number;
  /** Bottleneck width = round(width x bottleneckRatio): d2l's k_i (`bot_mul`), torchvision's bottleneck_multiplier. */
  bottleneckRatio: number;
}

/** A member of the AnyNet design space: the stem's channels and the stages of the body. */
export interface AnyNetConfig {
  stemChannels: number;
  stages: readonly AnyNetStage[];
}

export interface AnyNetOptions extends AnyNetConfig {
  /** Convolution biases: d2l's convs have them, torchvision's RegNets (followed by BN) do not. */
  bias: boolean;
  norm: NormKind;
}

export interface XBlockOptions {
  channels: number;
  groupWidth: number;
  bottleneckRatio: number;
  /** A 1x1 conv + norm on the shortcut, needed when the shape changes. */
  shortcut?: boolean;
  stride?: number;
  bias?: boolean;
  norm?: NormKind;
}

/**
 * The X-block, i.e. the ResNeXt block of d2l 8.6.5: 1x1 conv to the bottleneck,
 * grouped 3x3 conv (carrying the stride), 1x1 conv back, each normalised; ReLU after the sum.
 */
export function xBlock(x: Node, o: XBlockOptions): Node {
  const bottleneck = Math.round(o.channels * o.bottleneckRatio);
  if (bottleneck < 1 || bottleneck % o.groupWidth !== 0) {
    throw new Error(`X-block: group width ${o.groupWidth} does not divide the bottleneck width ${bottleneck}`);
  }
  const stride = o.stride ?? 1;
  const bias = o.bias ?? true;
  const kind = o.norm ?? 'batch';
  let y = relu(norm(conv(x, { filters: bottleneck, kernel: 1, bias }), kind));
  y = relu(norm(conv(y, { filters: bottleneck, kernel: 3, stride, padding: 1, groups: bottleneck / o.groupWidth, bias }), kind));
  y = norm(conv(y, { filters: o.channels, kernel: 1, bias }), kind);
  if (o.shortcut) x = norm(conv(x, { filters: o.channels, kernel: 1, stride, bias }), kind);
  return relu(add([y, x]));
}

/** d2l's AnyNet.stem: a stride-2 3x3 conv, norm, ReLU. */
export function anynetStem(x: Node, channels: number, o: { bias?: boolean; norm?: NormKind } = {}): Node {
  return relu(norm(conv(x, { filters: channels, kernel: 3, stride: 2, padding: 1, bias: o.bias ?? true }), o.norm ?? 'batch'));
}

/** d2l's AnyNet.stage: the first block halves the resolution and projects the shortcut. */
export function anynetStage(x: Node, s: AnyNetStage, o: { bias?: boolean; norm?: NormKind } = {}): Node {
  for (let i = 0; i < s.depth; i++) {
    const first = i === 0;
    x = scope(`block${i + 1}`, () => xBlock(x, {
      channels: s.width, groupWidth: s.groupWidth, bottleneckRatio: s.bottleneckRatio, shortcut: first, stride: first ? 2 : 1, ...o,
    }));
  }
  return x;
}

/** Builds a member of the AnyNet design space (d2l 8.8.1): stem, stages of X-blocks, global average pool, dense. */
export function anynet(x: Node, o: AnyNetConfig & { classes: number; bias?: boolean; norm?: NormKind }): Node {
  const problems = validateAnyNet(o);
  if (problems.length) throw new Error(`Invalid AnyNet configuration: ${problems.join('; ')}`);
  const common = { bias: o.bias ?? true, norm: o.norm ?? 'batch' };
  x = scope('stem', () => anynetStem(x, o.stemChannels, common));
  o.stages.forEach((s, i) => {
    x = scope(`stage${i + 1}`, () => anynetStage(x, s, common));
  });
  return scope('head', () => dense(globalAvgPool(x), o.classes));
}
