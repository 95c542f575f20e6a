/**
 * Whole residual blocks, layer by layer: ResNet's bottleneck (1x1 reduce, 3x3, 1x1 expand) and ResNeXt's
 * block (the same with the 3x3 split into channel groups). Convolutions carry no bias (batch norm follows
 * each one); batch norm's own parameters are not counted.
 */
import { convCost, type ConvCost } from './worked-examples.js';
import { positiveInteger } from './memory.js';

export interface BottleneckBlockInput {
  /** Output height and width of the block (stride 1: the same as its input). */
  h: number;
  w: number;
  cin: number;
  cout: number;
  /** Channels between the 1x1 convolutions (ResNet-50's first stage: 64; ResNeXt-50 32x4d: 128). */
  width: number;
  /** Channel groups of the 3x3 convolution; 1 is ResNet's bottleneck. */
  groups?: number;
  /** Kernel of the middle convolution; default 3. */
  k?: number;
}

export interface BlockLayerCost extends ConvCost {
  name: 'reduce' | 'conv' | 'expand' | 'shortcut';
  /** "1x1 256→64", "3x3 128→128, 32 groups". */
  label: string;
}

export interface BottleneckBlockCost {
  layers: BlockLayerCost[];
  macs: number;
  params: number;
}

/**
 * A bottleneck block's multiply-adds and weights: for ResNet-50's first stage (56×56, 256→64→64→256) 218,365,952
 * multiply-adds; ResNeXt-50 32x4d's (width 128 in 32 groups) 219,971,584, about the same for twice the width.
 * A 1x1 projection shortcut is added when cin ≠ cout.
 */
export function bottleneckBlockCost(o: BottleneckBlockInput): BottleneckBlockCost {
  const { h, w, cin, cout } = o;
  const width = positiveInteger(o.width, 'width');
  const groups = positiveInteger(o.groups ?? 1, 'groups');
  const k = positiveInteger(o.k ?? 3, 'k');
  const layer = (name: BlockLayerCost['name'], label: string, cost: ConvCost): BlockLayerCost => ({ name, label, ...cost });
  const layers = [
    layer('reduce', `1x1 ${cin}→${width}`, convCost({ h, w, k: 1, cin, cout: width, bias: false })),
    layer('conv', `${k}x${k} ${width}→${width}${groups > 1 ? `, ${groups} groups` : ''}`, convCost({ h, w, k, cin: width, cout: width, groups, bias: false })),
    layer('expand', `1x1 ${width}→${cout}`, convCost({ h, w, k: 1, cin: width, cout, bias: false })),
  ];
  if (cin !== cout) layers.push(layer('shortcut', `1x1 ${cin}→${cout} (projection)`, convCost({ h, w, k: 1, cin, cout, bias: false })));
  return { layers, macs: layers.reduce((n, l) => n + l.macs, 0), params: layers.reduce((n, l) => n + l.params, 0) };
}

/** The group counts a width can be split into (its divisors), ascending. */
export function groupChoices(width: number): number[] {
  const n = positiveInteger(width, 'width');
  const out: number[] = [];
  for (let g = 1; g <= n; g++) if (n % g === 0) out.push(g);
  return out;
}

/** A block's cost for every group count its width allows: the cost-vs-groups curve. */
export function blockCostByGroups(o: Omit<BottleneckBlockInput, 'groups'>): { groups: number; macs: number; params: number }[] {
  return groupChoices(o.width).map((groups) => {
    const { macs, params } = bottleneckBlockCost({ ...o, groups });
    return { groups, macs, params };
  });
}
