/**
 * The course's worked examples (d2l chapter 8) as functions of your own numbers.
 * Multiply-adds are counted as torchvision reports GFLOPS: one per weight use.
 */
import { memoryOf, positiveInteger, type MemoryBytes } from './memory.js';

export interface ConvCostInput {
  /** Output height and width (the course's "output size h×w"). */
  h: number;
  w: number;
  /** Square kernel size. */
  k: number;
  cin: number;
  cout: number;
  /** Channel groups (ResNeXt/RegNet); default 1. */
  groups?: number;
  /** Count one bias per output channel in `params`; default true. */
  bias?: boolean;
}

export interface ConvCost {
  /** h·w·k²·cin·cout/groups. */
  macs: number;
  /** k²·cin·cout/groups. */
  weights: number;
  /** weights (+ cout biases). */
  params: number;
}

/** Multiply-adds and parameters of one convolution: h·w·k²·cin·cout/groups and k²·cin·cout/groups (+cout). */
export function convCost(o: ConvCostInput): ConvCost {
  const [h, w, k, cin, cout] = [positiveInteger(o.h, 'h'), positiveInteger(o.w, 'w'), positiveInteger(o.k, 'k'), positiveInteger(o.cin, 'cin'), positiveInteger(o.cout, 'cout')];
  const groups = positiveInteger(o.groups ?? 1, 'groups');
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new Error(`${cin} input and ${cout} output channels cannot both be split into ${groups} groups`);
  }
  const weights = (k * k * cin * cout) / groups;
  return { macs: h * w * weights, weights, params: weights + ((o.bias ?? true) ? cout : 0) };
}

export interface BottleneckInput {
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  /** Channels of the 1x1 reduction in front of the k×k convolution. */
  reduce: number;
  bias?: boolean;
}

export interface BottleneckSavings {
  /** k×k convolution straight from cin to cout. */
  direct: ConvCost;
  /** 1x1 convolution cin → reduce. */
  reduction: ConvCost;
  /** k×k convolution reduce → cout. */
  conv: ConvCost;
  /** reduction + conv. */
  bottleneck: { macs: number; params: number };
  /** direct.macs / bottleneck.macs (how many times fewer multiply-adds). */
  ratio: number;
  /** direct.params / bottleneck.params. */
  paramRatio: number;
}

/**
 * Inception's 1x1 bottleneck: for h = w = 28, cin = 192, cout = 32, k = 5 a direct
 * 5x5 convolution costs 120,422,400 multiply-adds; reducing to 16 channels first costs
 * 2,408,448 + 10,035,200 = 12,443,648 (9.7× fewer).
 */
export function bottleneckSavings(o: BottleneckInput): BottleneckSavings {
  const { h, w, cin, cout, k, reduce, bias } = o;
  const direct = convCost({ h, w, k, cin, cout, bias });
  const reduction = convCost({ h, w, k: 1, cin, cout: reduce, bias });
  const conv = convCost({ h, w, k, cin: reduce, cout, bias });
  const bottleneck = { macs: reduction.macs + conv.macs, params: reduction.params + conv.params };
  return { direct, reduction, conv, bottleneck, ratio: direct.macs / bottleneck.macs, paramRatio: direct.params / bottleneck.params };
}

export interface GroupedConvCost {
  /** The same convolution with groups = 1. */
  dense: ConvCost;
  grouped: ConvCost;
  /** dense.macs / grouped.macs (= groups). */
  saving: number;
  /** dense.weights / grouped.weights (= groups; biases are not divided). */
  weightSaving: number;
}

/** A grouped convolution against its ungrouped version: g groups need g times fewer multiply-adds and weights. */
export function groupedConvCost(o: ConvCostInput & { groups: number }): GroupedConvCost {
  const dense = convCost({ ...o, groups: 1 });
  const grouped = convCost(o);
  return { dense, grouped, saving: dense.macs / grouped.macs, weightSaving: dense.weights / grouped.weights };
}

export interface DenseLayerMemory {
  inFeatures: number;
  outFeatures: number;
  /** inFeatures·outFeatures (+ outFeatures biases). */
  params: number;
  /** Multiply-adds per example: inFeatures·outFeatures. */
  macs: number;
  memory: MemoryBytes;
}

/** Parameters and parameter memory of one fully connected layer: VGG-11's 25088→4096 holds 411,058,176 bytes in FP32. */
export function denseLayerMemory(o: { inFeatures: number; outFeatures: number; bias?: boolean }): DenseLayerMemory {
  const inFeatures = positiveInteger(o.inFeatures, 'inFeatures');
  const outFeatures = positiveInteger(o.outFeatures, 'outFeatures');
  const params = inFeatures * outFeatures + ((o.bias ?? true) ? outFeatures : 0);
  return { inFeatures, outFeatures, params, macs: inFeatures * outFeatures, memory: memoryOf(params) };
}

export interface DenseStackMemory {
  layers: DenseLayerMemory[];
  params: number;
  memory: MemoryBytes;
}

/**
 * A chain of dense layers given by its widths: `denseStackMemory([6400, 4096, 4096])`
 * is AlexNet's two 4096-wide layers after the 6400-wide flatten, 42,999,808 parameters (164 MiB in FP32).
 */
export function denseStackMemory(widths: readonly number[], o: { bias?: boolean } = {}): DenseStackMemory {
  if (widths.length < 2) throw new Error(`A dense stack needs at least two widths (input and output), got [${widths.join(', ')}]`);
  const layers = widths.slice(1).map((out, i) => denseLayerMemory({ inFeatures: widths[i]!, outFeatures: out, bias: o.bias }));
  const params = layers.reduce((n, l) => n + l.params, 0);
  return { layers, params, memory: memoryOf(params) };
}

export interface DenseNetStage {
  kind: 'input' | 'block' | 'transition';
  /** 1-based index of the dense block (a transition carries the index of the block before it); 0 for the input. */
  index: number;
  channels: number;
}

export interface DenseNetChannels {
  stages: DenseNetStage[];
  /** Channel count at each stage, input first: [64, 192, 96, 224, 112, 240, 120, 248] for d2l's DenseNet. */
  channels: number[];
  final: number;
}

/**
 * Channels through a DenseNet: each dense block of n convolutions adds n·growth
 * channels, each transition (between blocks, not after the last) keeps
 * floor(channels·compression). d2l: initial 64, growth 32, blocks [4, 4, 4, 4],
 * compression 0.5 → 64 → 192 → 96 → 224 → 112 → 240 → 120 → 248.
 */
export function denseNetChannelGrowth(o: { initial: number; growth: number; blocks: readonly number[]; compression?: number }): DenseNetChannels {
  let channels = positiveInteger(o.initial, 'initial');
  const growth = positiveInteger(o.growth, 'growth');
  const compression = o.compression ?? 0.5;
  if (!(compression > 0 && compression <= 1)) throw new Error(`compression must be in (0, 1], got ${compression}`);
  const stages: DenseNetStage[] = [{ kind: 'input', index: 0, channels }];
  o.blocks.forEach((convs, i) => {
    channels += positiveInteger(convs, `blocks[${i}]`) * growth;
    stages.push({ kind: 'block', index: i + 1, channels });
    if (i < o.blocks.length - 1) {
      channels = Math.floor(channels * compression);
      stages.push({ kind: 'transition', index: i + 1, channels });
    }
  });
  return { stages, channels: stages.map((s) => s.channels), final: channels };
}
