import { createModel, listArchitectures, resolveConfig, type ArchitectureFilter, type ArchitectureSource, type InputShape } from '@cnnlab/core';
import { analyzeModel } from './analyze.js';

export interface ComparisonRow {
  name: string;
  family: string;
  source: ArchitectureSource;
  /** Default input, channels × height × width. */
  input: number[];
  classes: number;
  params: number;
  trainableParams: number;
  denseParams: number;
  /** denseParams / params (0..1). */
  denseShare: number;
  /** Multiply-adds for one example. */
  macs: number;
  /** FP32 parameter bytes. */
  paramBytes: number;
  /** FP32 forward activation bytes for `batchSize` examples (see ACTIVATION_MEMORY_NOTE). */
  activationBytes: number;
  batchSize: number;
}

export interface CompareOptions {
  /** Examples per batch for activation memory; default 1. */
  batchSize?: number;
  /** Which registered models when no names are given; default all. */
  filter?: ArchitectureFilter;
  /**
   * One square input size (height = width) for every model, so that multiply-adds compare like with like;
   * each model keeps its own channels. Default: each model's own input (28², 96², 224²…).
   */
  inputSize?: number;
}

/**
 * One row per registered model at its default (d2l) input size (or `inputSize`) and classes: each
 * model is built, measured and disposed in turn, so only one is in memory at a time.
 */
export function compareArchitectures(names?: readonly string[], o: CompareOptions = {}): ComparisonRow[] {
  const batchSize = o.batchSize ?? 1;
  const chosen = names ?? listArchitectures(o.filter).map((s) => s.name);
  return chosen.map((name) => {
    const input = o.inputSize === undefined ? undefined : inputAt(name, o.inputSize);
    const { spec, classes } = resolveConfig(name, { input });
    const model = createModel(name, { input });
    try {
      const report = analyzeModel(model, { batchSize, depth: 1 });
      const { totals } = report;
      return {
        name: spec.name,
        family: spec.family,
        source: spec.source,
        input: report.input,
        classes,
        params: totals.params,
        trainableParams: totals.trainableParams,
        denseParams: totals.denseParams,
        denseShare: totals.denseShare,
        macs: totals.macs,
        paramBytes: totals.paramMemory.fp32,
        activationBytes: totals.activationMemory.fp32,
        batchSize,
      };
    } finally {
      model.dispose();
    }
  });
}

function inputAt(name: string, size: number): InputShape {
  if (!Number.isInteger(size) || size < 1) throw new Error(`inputSize must be a positive integer, got ${size}`);
  return [resolveConfig(name).inputShape[0], size, size];
}

export type SortDirection = 'asc' | 'desc';

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** A sorted copy of `rows` by any column (numbers numerically, text naturally, shapes element-wise); stable. */
export function sortRows<T extends object>(rows: readonly T[], key: keyof T, dir: SortDirection = 'desc'): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compareValues(a[key], b[key]));
}
