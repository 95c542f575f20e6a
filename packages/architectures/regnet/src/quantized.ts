import type { AnyNetStage } from './anynet.js';

/** The RegNet parameterization (Radosavovic et al., 2020, Sec. 4): widths grow linearly, then are quantized. */
export interface RegNetParams {
  /** Number of blocks in all stages together. */
  depth: number;
  /** Initial width w_0 (a multiple of 8). */
  w0: number;
  /** Slope w_a of the linear widths u_j = w_0 + w_a·j. */
  wa: number;
  /** Width multiplier w_m > 1 between stages. */
  wm: number;
  groupWidth: number;
  /** Default 1 (RegNetX). */
  bottleneckRatio?: number;
  /** Default 8. */
  quantum?: number;
}

/** torch.round: halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision's _make_divisible: the nearest multiple of `divisor`, never under 90% of v. */
function makeDivisible(v: number, divisor: number): number {
  let rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

/**
 * Width of every block: u_j = w_0 + w_a·j, s_j = round(log(u_j / w_0) / log(w_m)),
 * w_j = w_0·w_m^s_j rounded to a multiple of the quantum.
 */
export function regnetBlockWidths(p: RegNetParams): number[] {
  const quantum = p.quantum ?? 8;
  if (!(p.wa >= 0) || !(p.w0 > 0) || !(p.wm > 1) || p.w0 % quantum !== 0 || !Number.isInteger(p.depth) || p.depth < 1) {
    throw new Error(`Invalid RegNet parameters: need depth ≥ 1, w_a ≥ 0, w_0 > 0 a multiple of ${quantum}, w_m > 1; got ${JSON.stringify(p)}`);
  }
  return Array.from({ length: p.depth }, (_, j) => {
    const s = roundHalfEven(Math.log((p.w0 + p.wa * j) / p.w0) / Math.log(p.wm));
    return roundHalfEven((p.w0 * p.wm ** s) / quantum) * quantum;
  });
}

/**
 * Per-stage depths and widths from the RegNet parameters, as torchvision's
 * BlockParams.from_init_params computes them: consecutive blocks of equal
 * width form a stage, then each stage's bottleneck is rounded to a multiple of
 * its group width (the group width shrinking to the bottleneck if larger).
 */
export function regnetStages(p: RegNetParams): AnyNetStage[] {
  const ratio = p.bottleneckRatio ?? 1;
  const stages: { depth: number; width: number }[] = [];
  for (const width of regnetBlockWidths(p)) {
    const last = stages[stages.length - 1];
    if (last && last.width === width) last.depth += 1;
    else stages.push({ depth: 1, width });
  }
  return stages.map(({ depth, width }) => {
    const bottleneck = Math.trunc(width * ratio);
    const groupWidth = Math.min(p.groupWidth, bottleneck);
    return { depth, width: Math.trunc(makeDivisible(bottleneck, groupWidth) / ratio), groupWidth, bottleneckRatio: ratio };
  });
}
