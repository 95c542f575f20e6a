import type { HistogramBucket } from './histogram-buckets.js';
import { HPARAMS_PLUGIN_DATA_VERSION, HParamsTag, PluginName } from './plugins.js';
import { encodeHParamsPluginData, type HParamsPluginData } from './proto/hparams.js';
import { DataClass, type SummaryMetadata, type SummaryValue } from './proto/summary.js';
import { DataType, type TensorProto } from './proto/tensor.js';

/** Builders of Summary.Value messages in the layouts TensorBoard's plugins expect. */

const utf8 = new TextEncoder();

function pluginMetadata(pluginName: string, dataClass: number, content?: Uint8Array): SummaryMetadata {
  return { pluginData: { pluginName, ...(content ? { content } : {}) }, dataClass };
}

function shape(...sizes: number[]): TensorProto['tensorShape'] {
  return { dim: sizes.map((size) => ({ size })) };
}

/**
 * A scalar: by default as TensorFlow 2 writes it (rank-0 DT_FLOAT tensor, plugin "scalars");
 * `legacy` writes `simple_value` as PyTorch and tfjs-node do.
 */
export function scalarValue(tag: string, value: number, legacy = false): SummaryValue {
  if (typeof value !== 'number') throw new TypeError(`scalar "${tag}" must be a number, got ${typeof value}`);
  if (legacy) return { tag, simpleValue: value };
  const content = new Uint8Array(4);
  new DataView(content.buffer).setFloat32(0, value, true);
  return {
    tag,
    metadata: pluginMetadata(PluginName.SCALARS, DataClass.DATA_CLASS_SCALAR),
    tensor: { dtype: DataType.DT_FLOAT, tensorShape: shape(), tensorContent: content },
  };
}

/** A histogram as TensorFlow 2 writes it: DT_DOUBLE tensor [k, 3] of (left edge, right edge, count). */
export function histogramValue(tag: string, buckets: readonly HistogramBucket[]): SummaryValue {
  const content = new Uint8Array(buckets.length * 3 * 8);
  const view = new DataView(content.buffer);
  buckets.forEach((b, i) => {
    view.setFloat64(i * 24, b.left, true);
    view.setFloat64(i * 24 + 8, b.right, true);
    view.setFloat64(i * 24 + 16, b.count, true);
  });
  return {
    tag,
    metadata: pluginMetadata(PluginName.HISTOGRAMS, DataClass.DATA_CLASS_TENSOR),
    tensor: { dtype: DataType.DT_DOUBLE, tensorShape: shape(buckets.length, 3), tensorContent: content },
  };
}

/** Text (Markdown in TensorBoard): a DT_STRING tensor, rank 0 for one string, [n] for a list. */
export function textValue(tag: string, text: string | readonly string[]): SummaryValue {
  const strings = typeof text === 'string' ? [text] : text;
  return {
    tag,
    metadata: pluginMetadata(PluginName.TEXT, DataClass.DATA_CLASS_TENSOR),
    tensor: {
      dtype: DataType.DT_STRING,
      tensorShape: typeof text === 'string' ? shape() : shape(strings.length),
      stringVal: strings.map((s) => utf8.encode(s)),
    },
  };
}

export interface ImageSize {
  width: number;
  height: number;
}

/** Images as TensorFlow 2 writes them: DT_STRING tensor [width, height, png...] with data class BLOB_SEQUENCE. */
export function imageValue(tag: string, pngs: readonly Uint8Array[], size: ImageSize): SummaryValue {
  for (const [name, value] of Object.entries(size)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`image "${tag}": ${name} must be a positive integer, got ${value}`);
    }
  }
  return {
    tag,
    metadata: pluginMetadata(PluginName.IMAGES, DataClass.DATA_CLASS_BLOB_SEQUENCE),
    tensor: {
      dtype: DataType.DT_STRING,
      tensorShape: shape(2 + pngs.length),
      stringVal: [utf8.encode(String(size.width)), utf8.encode(String(size.height)), ...pngs],
    },
  };
}

/** An hparams-plugin summary; the data is in the metadata, the tensor is an empty placeholder. */
export function hparamsValue(data: Omit<HParamsPluginData, 'version'>): SummaryValue {
  const tag = data.experiment
    ? HParamsTag.EXPERIMENT
    : data.sessionStartInfo
      ? HParamsTag.SESSION_START_INFO
      : HParamsTag.SESSION_END_INFO;
  const content = encodeHParamsPluginData({ version: HPARAMS_PLUGIN_DATA_VERSION, ...data });
  return {
    tag,
    metadata: pluginMetadata(PluginName.HPARAMS, DataClass.DATA_CLASS_TENSOR, content),
    tensor: { dtype: DataType.DT_FLOAT, tensorShape: shape(0) },
  };
}
