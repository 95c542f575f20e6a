/**
 * The complexity calculators' formulas, as @cnnlab/analysis's worked examples compute them (bottleneckSavings,
 * groupedConvCost; test/calc.test.ts checks they agree), kept here so the browser bundle needs no tfjs.
 * Multiply-adds count one per weight use: h·w·k²·cin·cout/groups.
 */

export interface ConvCost {
  macs: number;
  weights: number;
  /** weights + cout biases. */
  params: number;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}

export function convCost(o: { h: number; w: number; k: number; cin: number; cout: number; groups?: number }): ConvCost {
  const h = positiveInteger(o.h, 'h'), w = positiveInteger(o.w, 'w'), k = positiveInteger(o.k, 'k');
  const cin = positiveInteger(o.cin, 'input channels'), cout = positiveInteger(o.cout, 'output channels');
  const groups = positiveInteger(o.groups ?? 1, 'groups');
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new Error(`${cin} input and ${cout} output channels cannot both be split into ${groups} groups`);
  }
  const weights = (k * k * cin * cout) / groups;
  return { macs: h * w * weights, weights, params: weights + cout };
}

export interface Bottleneck {
  direct: ConvCost;
  reduction: ConvCost;
  conv: ConvCost;
  bottleneck: { macs: number; params: number };
  ratio: number;
  paramRatio: number;
}

/** A k×k convolution cin→cout straight, or after a 1x1 reduction to `reduce` channels (Inception's bottleneck). */
export function bottleneck(o: { h: number; w: number; cin: number; cout: number; k: number; reduce: number }): Bottleneck {
  const direct = convCost({ h: o.h, w: o.w, k: o.k, cin: o.cin, cout: o.cout });
  const reduction = convCost({ h: o.h, w: o.w, k: 1, cin: o.cin, cout: positiveInteger(o.reduce, 'reduce') });
  const conv = convCost({ h: o.h, w: o.w, k: o.k, cin: o.reduce, cout: o.cout });
  const total = { macs: reduction.macs + conv.macs, params: reduction.params + conv.params };
  return { direct, reduction, conv, bottleneck: total, ratio: direct.macs / total.macs, paramRatio: direct.params / total.params };
}

export interface Grouped {
  dense: ConvCost;
  grouped: ConvCost;
  saving: number;
  weightSaving: number;
}

/** A convolution split into `groups` channel groups (ResNeXt) against the same convolution ungrouped. */
export function grouped(o: { h: number; w: number; k: number; cin: number; cout: number; groups: number }): Grouped {
  const dense = convCost({ ...o, groups: 1 });
  const g = convCost(o);
  return { dense, grouped: g, saving: dense.macs / g.macs, weightSaving: dense.weights / g.weights };
}
