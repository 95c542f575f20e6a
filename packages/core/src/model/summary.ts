import * as tf from '@tensorflow/tfjs';

/** One layer, or one block of layers when grouped by name depth. */
export interface LayerRow {
  name: string;
  /** tfjs class name of the layer, or "Block" for a group. */
  type: string;
  /** Output shape without the batch axis, channels first for images (e.g. [64, 24, 24]). */
  outputShape: number[];
  params: number;
  trainableParams: number;
  /** Multiply-adds of conv and dense layers for one image (as torchvision counts GFLOPS). */
  macs: number;
  /** Whether the parameters belong to dense (fully connected) layers. */
  dense: boolean;
  /** Layers in this row (1 unless grouped). */
  layers: number;
}

export interface ModelSummary {
  name: string;
  /** channels x height x width. */
  input: number[];
  rows: LayerRow[];
  totals: {
    params: number;
    trainableParams: number;
    nonTrainableParams: number;
    macs: number;
    denseParams: number;
    /** Bytes of parameters in FP32. */
    paramBytes: number;
  };
}

function chw(shape: tf.Shape): number[] {
  const dims = shape.slice(1) as number[];
  return dims.length === 3 ? [dims[2]!, dims[0]!, dims[1]!] : dims;
}

function single(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
}

function weightCount(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Multiply-adds for one image: conv = H_out·W_out·k_h·k_w·(C_in/groups)·C_out, dense = in·out; other layers 0. */
export function layerMacs(layer: tf.layers.Layer): number {
  const config = layer.getConfig() as Record<string, unknown>;
  const node = layer.inboundNodes[0]!;
  const out = single(node.outputShapes);
  const input = single(node.inputShapes);
  switch (layer.getClassName()) {
    case 'Conv2D':
    case 'CnnlabGroupedConv2D': {
      const kernel = config.kernelSize as number | number[];
      const [kh, kw] = Array.isArray(kernel) ? kernel : [kernel, kernel];
      const groups = (config.groups as number | undefined) ?? 1;
      const cin = input[3]!;
      return out[1]! * out[2]! * out[3]! * kh! * kw! * (cin / groups);
    }
    case 'DepthwiseConv2D': {
      const kernel = config.kernelSize as number | number[];
      const [kh, kw] = Array.isArray(kernel) ? kernel : [kernel, kernel];
      return out[1]! * out[2]! * out[3]! * kh! * kw!;
    }
    case 'Dense':
      return input[input.length - 1]! * out[out.length - 1]!;
    default:
      return 0;
  }
}

function rowOf(layer: tf.layers.Layer): LayerRow {
  const params = weightCount(layer.weights);
  return {
    name: layer.name,
    type: layer.getClassName(),
    outputShape: chw(single(layer.inboundNodes[0]!.outputShapes)),
    params,
    trainableParams: weightCount(layer.trainableWeights),
    macs: layerMacs(layer),
    dense: layer.getClassName() === 'Dense',
    layers: 1,
  };
}

function groupKey(name: string, depth: number): string {
  return name.split('.').slice(0, depth).join('.');
}

/**
 * Per-layer (depth = Infinity) or per-block summary. Blocks are the
 * "."-separated prefixes of layer names: depth 1 groups "stage2.block1.conv1"
 * under "stage2".
 */
export function summarize(model: tf.LayersModel, options: { depth?: number } = {}): ModelSummary {
  const depth = options.depth ?? Infinity;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const rows: LayerRow[] = [];
  const groups = new Map<string, LayerRow>();
  for (const layer of layers) {
    const row = rowOf(layer);
    const key = groupKey(layer.name, depth);
    if (key === layer.name) {
      rows.push(row);
      continue;
    }
    // Layers of one block may interleave (Inception branches): merge by name, not by adjacency.
    const group = groups.get(key);
    if (group) {
      group.params += row.params;
      group.trainableParams += row.trainableParams;
      group.macs += row.macs;
      group.outputShape = row.outputShape;
      group.dense = group.dense && row.dense;
      group.layers += 1;
    } else {
      const created = { ...row, name: key, type: 'Block' };
      groups.set(key, created);
      rows.push(created);
    }
  }
  const params = model.countParams();
  const trainableParams = weightCount(model.trainableWeights);
  const denseParams = layers.filter((l) => l.getClassName() === 'Dense').reduce((n, l) => n + weightCount(l.weights), 0);
  return {
    name: model.name,
    input: chw(single(model.inputs[0]!.shape)),
    rows,
    totals: {
      params,
      trainableParams,
      nonTrainableParams: params - trainableParams,
      macs: layers.reduce((n, l) => n + layerMacs(l), 0),
      denseParams,
      paramBytes: params * 4,
    },
  };
}
