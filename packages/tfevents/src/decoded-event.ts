import type { HistogramBucket } from './histogram-buckets.js';
import type { HParamsPluginData } from './proto/hparams.js';
import type { SummaryMetadata, SummaryValue } from './proto/summary.js';
import type { LogMessage, TaggedRunMetadata } from './proto/event.js';
import type { DecodedTensor } from './tensor-values.js';

/** What the reader yields: an Event with its summary values interpreted by kind. */
export interface DecodedEvent {
  wallTime: number;
  step: number;
  /** Byte offset of the event's record in its file. */
  offset: number;
  /** The event file, when events of several files are read together. */
  file?: string;
  fileVersion?: string;
  summary?: { values: DecodedValue[] };
  sessionLog?: DecodedSessionLog;
  graphDef?: Uint8Array;
  metaGraphDef?: Uint8Array;
  taggedRunMetadata?: TaggedRunMetadata;
  logMessage?: LogMessage;
}

export interface DecodedSessionLog {
  status: 'unspecified' | 'start' | 'stop' | 'checkpoint';
  checkpointPath?: string;
  msg?: string;
}

export type ValueKind = DecodedValue['kind'];

interface ValueBase {
  tag: string;
  pluginName?: string;
  /** The value's own metadata, or else the first metadata seen for its tag (writers may send it once per tag). */
  metadata?: SummaryMetadata;
}

export interface ScalarValue extends ValueBase {
  kind: 'scalar';
  value: number;
}

export interface HistogramStats {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
}

export interface HistogramValue extends ValueBase {
  kind: 'histogram';
  buckets: HistogramBucket[];
  /** Only for histograms stored as HistogramProto (`histo`), which carry these. */
  stats?: HistogramStats;
}

export interface TextValue extends ValueBase {
  kind: 'text';
  /** A string for a rank-0 tensor, else the strings in row-major order. */
  text: string | string[];
  shape: number[];
}

export interface ImageValue extends ValueBase {
  kind: 'image';
  width: number;
  height: number;
  /** Encoded images (PNG in practice). */
  images: Uint8Array[];
}

export interface HParamsValue extends ValueBase {
  kind: 'hparams';
  data: HParamsPluginData;
}

export interface TensorValue extends ValueBase {
  kind: 'tensor';
  tensor: DecodedTensor;
}

export interface UnknownValue extends ValueBase {
  kind: 'unknown';
  raw: SummaryValue;
  /** Why the value could not be interpreted, when it looked like a known kind. */
  reason?: string;
}

export type DecodedValue = ScalarValue | HistogramValue | TextValue | ImageValue | HParamsValue | TensorValue | UnknownValue;
