import type { AnyNetConfig, AnyNetStage } from './anynet.js';
import { pick, randomInt, type Rng } from './rng.js';

/** The constraints of d2l 8.8.2 that narrow AnyNetX_A down to AnyNetX_E. */
export interface DesignConstraints {
  /** Every stage has the same bottleneck ratio (AnyNetX_B). */
  sharedBottleneck: boolean;
  /** Every stage has the same group width (AnyNetX_C). */
  sharedGroupWidth: boolean;
  /** Widths never decrease from stage to stage (AnyNetX_D). */
  increasingWidths: boolean;
  /** Depths never decrease from stage to stage (AnyNetX_E). */
  increasingDepths: boolean;
}

/** The values each stage may take (Radosavovic et al., 2020, Sec. 3). */
export interface DesignRanges {
  depth: readonly [min: number, max: number];
  width: readonly [min: number, max: number];
  /** Widths are multiples of this (8 in the paper). */
  widthQuantum: number;
  groupWidth: readonly number[];
  /**
   * Bottleneck width / width, as configurations store it (d2l's k_i). The
   * paper's bottleneck ratio b ∈ {1, 2, 4} divides instead: ratio = 1 / b.
   */
  bottleneckRatio: readonly number[];
}

export interface DesignSpace {
  name: string;
  description: string;
  stages: number;
  stemChannels: number;
  constraints: DesignConstraints;
  ranges: DesignRanges;
}

/** The paper's ranges: d ≤ 16, w ≤ 1024 in multiples of 8, g ∈ {1, 2, …, 32}, b ∈ {1, 2, 4}. */
export const ANYNET_RANGES: DesignRanges = {
  depth: [1, 16],
  width: [8, 1024],
  widthQuantum: 8,
  groupWidth: [1, 2, 4, 8, 16, 32],
  bottleneckRatio: [1, 0.5, 0.25],
};

const none: DesignConstraints = { sharedBottleneck: false, sharedGroupWidth: false, increasingWidths: false, increasingDepths: false };

function space(name: string, description: string, constraints: Partial<DesignConstraints>): DesignSpace {
  return { name, description, stages: 4, stemChannels: 32, constraints: { ...none, ...constraints }, ranges: ANYNET_RANGES };
}

export type AnyNetSpaceName = 'AnyNetX_A' | 'AnyNetX_B' | 'AnyNetX_C' | 'AnyNetX_D' | 'AnyNetX_E';

/** Each space adds one constraint to the one before (d2l 8.8.2, Fig. 8.8.2). */
export const ANYNET_SPACES: Readonly<Record<AnyNetSpaceName, DesignSpace>> = {
  AnyNetX_A: space('AnyNetX_A', 'Unconstrained: each stage picks its depth, width, group width and bottleneck ratio', {}),
  AnyNetX_B: space('AnyNetX_B', 'AnyNetX_A with one bottleneck ratio shared by all stages', { sharedBottleneck: true }),
  AnyNetX_C: space('AnyNetX_C', 'AnyNetX_B with one group width shared by all stages', { sharedBottleneck: true, sharedGroupWidth: true }),
  AnyNetX_D: space('AnyNetX_D', 'AnyNetX_C with widths that never decrease', { sharedBottleneck: true, sharedGroupWidth: true, increasingWidths: true }),
  AnyNetX_E: space('AnyNetX_E', 'AnyNetX_D with depths that never decrease', {
    sharedBottleneck: true, sharedGroupWidth: true, increasingWidths: true, increasingDepths: true,
  }),
};

const positiveInteger = (v: number) => Number.isInteger(v) && v >= 1;

/** The bottleneck width of a stage, as the X-block computes it. */
export function bottleneckWidth(s: Pick<AnyNetStage, 'width' | 'bottleneckRatio'>): number {
  return Math.round(s.width * s.bottleneckRatio);
}

/**
 * Everything wrong with `config`, one sentence each (empty when valid). Without
 * options it checks only that the network can be built; `constraints` and
 * `ranges` add the rules of a design space.
 */
export function validateAnyNet(
  config: AnyNetConfig,
  o: { constraints?: Partial<DesignConstraints>; ranges?: DesignRanges } = {},
): string[] {
  const problems: string[] = [];
  if (!positiveInteger(config.stemChannels)) problems.push(`stem channels must be a positive integer, got ${config.stemChannels}`);
  if (config.stages.length === 0) problems.push('an AnyNet needs at least one stage');
  config.stages.forEach((s, i) => {
    const at = `stage ${i + 1}`;
    if (!positiveInteger(s.depth)) problems.push(`${at}: depth must be a positive integer, got ${s.depth}`);
    if (!positiveInteger(s.width)) problems.push(`${at}: width must be a positive integer, got ${s.width}`);
    if (!positiveInteger(s.groupWidth)) problems.push(`${at}: group width must be a positive integer, got ${s.groupWidth}`);
    if (!(s.bottleneckRatio > 0)) problems.push(`${at}: bottleneck ratio must be positive, got ${s.bottleneckRatio}`);
    const bottleneck = bottleneckWidth(s);
    if (positiveInteger(s.groupWidth) && s.bottleneckRatio > 0 && (bottleneck < 1 || bottleneck % s.groupWidth !== 0)) {
      problems.push(`${at}: group width ${s.groupWidth} does not divide the bottleneck width ${bottleneck} (= round(${s.width} x ${s.bottleneckRatio}))`);
    }
    const r = o.ranges;
    if (r) {
      if (s.depth < r.depth[0] || s.depth > r.depth[1]) problems.push(`${at}: depth ${s.depth} is outside [${r.depth.join(', ')}]`);
      if (s.width < r.width[0] || s.width > r.width[1]) problems.push(`${at}: width ${s.width} is outside [${r.width.join(', ')}]`);
      if (s.width % r.widthQuantum !== 0) problems.push(`${at}: width ${s.width} is not a multiple of ${r.widthQuantum}`);
      if (!r.groupWidth.includes(s.groupWidth)) problems.push(`${at}: group width ${s.groupWidth} is not one of ${r.groupWidth.join(', ')}`);
      if (!r.bottleneckRatio.includes(s.bottleneckRatio)) {
        problems.push(`${at}: bottleneck ratio ${s.bottleneckRatio} is not one of ${r.bottleneckRatio.join(', ')}`);
      }
    }
  });
  const c = o.constraints ?? {};
  const stages = config.stages;
  const differs = (key: keyof AnyNetStage) => stages.some((s) => s[key] !== stages[0]![key]);
  if (c.sharedBottleneck && differs('bottleneckRatio')) {
    problems.push(`bottleneck ratios differ (${stages.map((s) => s.bottleneckRatio).join(', ')}) but must be shared`);
  }
  if (c.sharedGroupWidth && differs('groupWidth')) {
    problems.push(`group widths differ (${stages.map((s) => s.groupWidth).join(', ')}) but must be shared`);
  }
  for (let i = 1; i < stages.length; i++) {
    const [prev, s] = [stages[i - 1]!, stages[i]!];
    if (c.increasingWidths && s.width < prev.width) problems.push(`stage ${i + 1}: width ${s.width} is less than stage ${i}'s ${prev.width}`);
    if (c.increasingDepths && s.depth < prev.depth) problems.push(`stage ${i + 1}: depth ${s.depth} is less than stage ${i}'s ${prev.depth}`);
  }
  return problems;
}

export function isValidAnyNet(config: AnyNetConfig, o: { constraints?: Partial<DesignConstraints>; ranges?: DesignRanges } = {}): boolean {
  return validateAnyNet(config, o).length === 0;
}

export interface SampleOptions {
  /** A named space or a custom one; default AnyNetX_A. The fields below override it. */
  space?: AnyNetSpaceName | DesignSpace;
  stages?: number;
  stemChannels?: number;
  constraints?: Partial<DesignConstraints>;
  ranges?: Partial<DesignRanges>;
}

/** Resolves a space name or object plus overrides into a full design space. */
export function designSpace(o: SampleOptions = {}): DesignSpace {
  const base = typeof o.space === 'object' ? o.space : ANYNET_SPACES[o.space ?? 'AnyNetX_A'];
  if (!base) throw new Error(`Unknown design space "${String(o.space)}": use one of ${Object.keys(ANYNET_SPACES).join(', ')}`);
  return {
    ...base,
    stages: o.stages ?? base.stages,
    stemChannels: o.stemChannels ?? base.stemChannels,
    constraints: { ...base.constraints, ...o.constraints },
    ranges: { ...base.ranges, ...o.ranges },
  };
}

/** Widths in range, on the quantum, whose bottleneck the group width divides. */
function validWidths(r: DesignRanges, groupWidth: number, ratio: number): number[] {
  const widths: number[] = [];
  for (let w = Math.ceil(r.width[0] / r.widthQuantum) * r.widthQuantum; w <= r.width[1]; w += r.widthQuantum) {
    const b = bottleneckWidth({ width: w, bottleneckRatio: ratio });
    if (b >= 1 && b % groupWidth === 0) widths.push(w);
  }
  return widths;
}

/** One attempt; null when the drawn group widths and ratios leave no valid widths. */
function trySample(rng: Rng, d: DesignSpace): AnyNetConfig | null {
  const { constraints: c, ranges: r } = d;
  const n = d.stages;
  let depths = Array.from({ length: n }, () => randomInt(rng, r.depth[0], r.depth[1]));
  if (c.increasingDepths) depths = depths.sort((a, b) => a - b);
  const sharedRatio = pick(rng, r.bottleneckRatio);
  const sharedGroupWidth = pick(rng, r.groupWidth);
  const ratios = Array.from({ length: n }, () => (c.sharedBottleneck ? sharedRatio : pick(rng, r.bottleneckRatio)));
  const groupWidths = Array.from({ length: n }, () => (c.sharedGroupWidth ? sharedGroupWidth : pick(rng, r.groupWidth)));
  const candidates = ratios.map((k, i) => validWidths(r, groupWidths[i]!, k));
  if (candidates.some((ws) => ws.length === 0)) return null;
  const widths: number[] = [];
  if (c.increasingWidths) {
    // Highest width each stage may take so that every later stage still has a valid, no smaller width.
    const caps = new Array<number>(n);
    for (let i = n - 1; i >= 0; i--) {
      const below = candidates[i]!.filter((w) => i === n - 1 || w <= caps[i + 1]!);
      if (below.length === 0) return null;
      caps[i] = below[below.length - 1]!;
    }
    for (let i = 0; i < n; i++) {
      const floor = i === 0 ? 0 : widths[i - 1]!;
      widths.push(pick(rng, candidates[i]!.filter((w) => w >= floor && w <= caps[i]!)));
    }
  } else {
    for (const ws of candidates) widths.push(pick(rng, ws));
  }
  return {
    stemChannels: d.stemChannels,
    stages: depths.map((depth, i) => ({ depth, width: widths[i]!, groupWidth: groupWidths[i]!, bottleneckRatio: ratios[i]! })),
  };
}

/**
 * Draws a valid member of an AnyNet design space (d2l 8.8.2): depths uniform
 * (sorted when they must increase), bottleneck ratios and group widths from their
 * lists (once when shared), then each width uniformly among those on the quantum
 * whose bottleneck its group width divides (stage by stage when widths must increase).
 * The same rng state always gives the same network.
 */
export function sampleAnyNet(rng: Rng, o: SampleOptions = {}): AnyNetConfig {
  const d = designSpace(o);
  if (!positiveInteger(d.stages)) throw new Error(`A design space needs a positive whole number of stages, got ${d.stages}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const config = trySample(rng, d);
    if (config) return config;
  }
  throw new Error(`Design space ${d.name} has no valid member with these ranges: no width in [${d.ranges.width.join(', ')}] `
    + `(multiples of ${d.ranges.widthQuantum}) fits the group widths ${d.ranges.groupWidth.join(', ')} and bottleneck ratios ${d.ranges.bottleneckRatio.join(', ')}`);
}
