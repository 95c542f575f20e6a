import type { DecodedValue } from './decoded-event.js';
import type { HistogramBucket } from './histogram-buckets.js';
import { PluginName } from './plugins.js';
import type { HistogramProto } from './proto/histogram.js';
import { decodeHParamsPluginData } from './proto/hparams.js';
import { DataClass, type SummaryMetadata, type SummaryValue } from './proto/summary.js';
import { DataType, type TensorProto } from './proto/tensor.js';
import { decodeTensorValues, elementCount } from './tensor-values.js';

/**
 * First metadata seen per tag: TensorFlow 1 writers send a tag's metadata only with its first value,
 * so later values without metadata are interpreted with it. Share one per run.
 */
export type TagMetadata = Map<string, SummaryMetadata>;

/** A decoded value before its tag, plugin name and metadata are attached. */
type Payload = DistributiveOmit<DecodedValue, 'tag' | 'pluginName' | 'metadata'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const utf8 = new TextDecoder();
const NUMERIC_DTYPES: ReadonlySet<number> = new Set([
  DataType.DT_FLOAT,
  DataType.DT_DOUBLE,
  DataType.DT_INT32,
  DataType.DT_INT64,
  DataType.DT_INT16,
  DataType.DT_INT8,
  DataType.DT_UINT8,
  DataType.DT_HALF,
]);

/** Interprets one Summary.Value by its encoding and plugin. Never throws: what it cannot read comes back as 'unknown'. */
export function interpretValue(value: SummaryValue, tagMetadata: TagMetadata = new Map()): DecodedValue {
  if (value.metadata && !tagMetadata.has(value.tag)) tagMetadata.set(value.tag, value.metadata);
  const metadata = value.metadata ?? tagMetadata.get(value.tag);
  const pluginName = metadata?.pluginData?.pluginName || undefined;
  let payload: Payload;
  try {
    payload = interpretPayload(value, metadata, pluginName);
  } catch (error) {
    payload = unknown(value, error instanceof Error ? error.message : String(error));
  }
  const decoded = payload as DecodedValue;
  decoded.tag = value.tag;
  if (pluginName) decoded.pluginName = pluginName;
  if (metadata) decoded.metadata = metadata;
  return decoded;
}

function interpretPayload(value: SummaryValue, metadata: SummaryMetadata | undefined, pluginName: string | undefined): Payload {
  if (value.simpleValue !== undefined) return { kind: 'scalar', value: value.simpleValue };
  if (value.histo) return histogramFromProto(value.histo);
  if (value.image) {
    const { width, height, encodedImageString } = value.image;
    return { kind: 'image', width, height, images: [encodedImageString] };
  }
  if (pluginName === PluginName.HPARAMS) {
    const content = metadata?.pluginData?.content;
    return content ? { kind: 'hparams', data: decodeHParamsPluginData(content) } : unknown(value, 'hparams summary without content');
  }
  const tensor = value.tensor;
  if (!tensor) return unknown(value);
  switch (pluginName) {
    case PluginName.SCALARS:
      return scalarFromTensor(tensor) ?? unknown(value, 'scalars tensor is not a single number');
    case PluginName.HISTOGRAMS:
      return histogramFromTensor(tensor) ?? unknown(value, 'histograms tensor is not [k, 3] numbers');
    case PluginName.TEXT:
      return textFromTensor(tensor) ?? unknown(value, 'text tensor is not DT_STRING');
    case PluginName.IMAGES:
      return imagesFromTensor(tensor) ?? unknown(value, 'images tensor is not [width, height, images...]');
  }
  if (metadata?.dataClass === DataClass.DATA_CLASS_SCALAR) {
    return scalarFromTensor(tensor) ?? unknown(value, 'scalar data class with a non-scalar tensor');
  }
  return { kind: 'tensor', tensor: decodeTensorValues(tensor) };
}

function unknown(raw: SummaryValue, reason?: string): Payload {
  return reason ? { kind: 'unknown', raw, reason } : { kind: 'unknown', raw };
}

function scalarFromTensor(tensor: TensorProto): Payload | undefined {
  if (!NUMERIC_DTYPES.has(tensor.dtype)) return undefined;
  const { values, shape } = decodeTensorValues(tensor);
  if (values.length !== 1 || elementCount(shape) !== 1) return undefined;
  return { kind: 'scalar', value: values[0] as number };
}

function histogramFromTensor(tensor: TensorProto): Payload | undefined {
  if (!NUMERIC_DTYPES.has(tensor.dtype)) return undefined;
  const { values, shape } = decodeTensorValues(tensor);
  const numbers = values as number[];
  if (shape.length !== 2 || shape[1] !== 3 || numbers.length !== shape[0]! * 3) return undefined;
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i < numbers.length; i += 3) buckets.push({ left: numbers[i]!, right: numbers[i + 1]!, count: numbers[i + 2]! });
  return { kind: 'histogram', buckets };
}

/** HistogramProto to buckets as TensorBoard migrates it: the first bucket starts at min, the last ends at max. */
function histogramFromProto(h: HistogramProto): Payload {
  const n = h.bucket.length;
  const buckets = h.bucket.map((count, i) => ({
    left: i === 0 ? h.min : (h.bucketLimit[i - 1] ?? h.max),
    right: i === n - 1 ? h.max : (h.bucketLimit[i] ?? h.max),
    count,
  }));
  return { kind: 'histogram', buckets, stats: { min: h.min, max: h.max, num: h.num, sum: h.sum, sumSquares: h.sumSquares } };
}

function textFromTensor(tensor: TensorProto): Payload | undefined {
  if (tensor.dtype !== DataType.DT_STRING) return undefined;
  const { values, shape } = decodeTensorValues(tensor);
  const strings = (values as Uint8Array[]).map((b) => utf8.decode(b));
  const text = shape.length === 0 && strings.length === 1 ? strings[0]! : strings;
  return { kind: 'text', text, shape };
}

function imagesFromTensor(tensor: TensorProto): Payload | undefined {
  if (tensor.dtype !== DataType.DT_STRING) return undefined;
  const strings = tensor.stringVal ?? [];
  if (strings.length < 2) return undefined;
  const width = Number(utf8.decode(strings[0]));
  const height = Number(utf8.decode(strings[1]));
  if (!Number.isFinite(width) || !Number.isFinite(height)) return undefined;
  return { kind: 'image', width, height, images: strings.slice(2) };
}
