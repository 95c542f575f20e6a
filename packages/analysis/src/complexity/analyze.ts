import { summarize, type LayerRow, type ModelSummary, type tf } from '@cnnlab/core';
import { memoryOf, positiveInteger, type MemoryBytes } from '../memory.js';
import { denseLayersOf, type DenseLayerInfo } from './dense.js';

/** What `activationMemory` counts; shown by the CLI and dashboard next to the number. */
export const ACTIVATION_MEMORY_NOTE =
  'Forward activations kept for backprop: the sum over layers of each layer output (elements × batch × bytes), ' +
  'counting every layer that TensorFlow.js materialises (padding, activation, pooling, flatten, dropout included) once; ' +
  'excludes the input batch (inputMemory), gradients, optimizer state and temporary workspace.';

export interface LayerComplexity extends LayerRow {
  /** Parameter memory of this row. */
  paramMemory: MemoryBytes;
  /** Output elements for one example, summed over the layers of the row. */
  activationElements: number;
  /** activationElements × batch size in FP32 / FP16. */
  activationMemory: MemoryBytes;
}

export interface ComplexityReport {
  name: string;
  /** channels × height × width. */
  input: number[];
  batchSize: number;
  rows: LayerComplexity[];
  /** summarize()'s totals plus memory and the dense share. */
  totals: ModelSummary['totals'] & {
    /** denseParams / params (0..1). */
    denseShare: number;
    paramMemory: MemoryBytes;
    /** Layer output elements for one example. */
    activationElements: number;
    /** Forward activations for the whole batch (see ACTIVATION_MEMORY_NOTE). */
    activationMemory: MemoryBytes;
    /** The input batch itself. */
    inputMemory: MemoryBytes;
  };
  dense: DenseLayerInfo[];
  /** What activationMemory counts. */
  activationNote: string;
}

export interface AnalyzeOptions {
  /** Examples per batch for activation memory; default 1. */
  batchSize?: number;
  /** Group rows by the first `depth` parts of layer names, as summarize() does; default every layer. */
  depth?: number;
}

const elements = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/**
 * Complexity of a built model, per layer (or per block with `depth`) and in total:
 * output shapes, parameters (trainable and not), FP32/FP16 parameter memory,
 * activation memory for `batchSize` examples, multiply-adds and the dense share.
 * Counts come from core's `summarize`, so they agree with every other view of the model.
 */
export function analyzeModel(model: tf.LayersModel, o: AnalyzeOptions = {}): ComplexityReport {
  const batchSize = positiveInteger(o.batchSize ?? 1, 'batchSize');
  const summary = summarize(model, { depth: o.depth });
  const perLayer = o.depth === undefined ? summary.rows : summarize(model).rows;
  // Each summary row holds `layers` consecutive layers: walk the per-layer rows alongside.
  let next = 0;
  const rows = summary.rows.map((row): LayerComplexity => {
    const members = perLayer.slice(next, next + row.layers);
    next += row.layers;
    const activationElements = members.reduce((n, l) => n + elements(l.outputShape), 0);
    return { ...row, paramMemory: memoryOf(row.params), activationElements, activationMemory: memoryOf(activationElements * batchSize) };
  });
  const activationElements = rows.reduce((n, r) => n + r.activationElements, 0);
  const { totals } = summary;
  return {
    name: summary.name,
    input: summary.input,
    batchSize,
    rows,
    totals: {
      ...totals,
      denseShare: totals.params > 0 ? totals.denseParams / totals.params : 0,
      paramMemory: memoryOf(totals.params),
      activationElements,
      activationMemory: memoryOf(activationElements * batchSize),
      inputMemory: memoryOf(elements(summary.input) * batchSize),
    },
    dense: denseLayersOf(model),
    activationNote: ACTIVATION_MEMORY_NOTE,
  };
}
