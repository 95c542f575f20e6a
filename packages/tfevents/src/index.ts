// Writing
export { SummaryWriter } from './summary-writer.js';
export type {
  SummaryWriterOptions,
  WriteOptions,
  ScalarOptions,
  HistogramOptions,
  HistogramEdges,
  HParamsOptions,
} from './summary-writer.js';
export { EventFileWriter } from './event-file-writer.js';
export type { EventFileWriterOptions } from './event-file-writer.js';
export { eventFileName, isEventFileName, nextFileCounter, EVENT_FILE_PREFIX } from './file-name.js';
export type { EventFileNameParts } from './file-name.js';
export { computeHistogramBuckets, bucketsFromEdges, DEFAULT_BUCKET_COUNT } from './histogram-buckets.js';
export type { HistogramBucket } from './histogram-buckets.js';
export type { HParamValue, HParamDefinition, MetricDefinition, ExperimentConfig, SessionStartOptions } from './hparams.js';
export { customScalarsValue, encodeLayout, CUSTOM_SCALARS_LAYOUT_TAG } from './custom-scalars.js';
export type { LayoutCategory, LayoutChart, MultilineChart, MarginChart, MarginSeries } from './custom-scalars.js';
export { scalarValue, histogramValue, textValue, imageValue, hparamsValue } from './summary-values.js';
export type { ImageSize } from './summary-values.js';

// Reading
export { readEventFile, readEvents, readEventFileSync } from './reader.js';
export type { ReadOptions, ReadResult } from './reader.js';
export { EventFileTail } from './tail.js';
export type { TailOptions, PollResult } from './tail.js';
export type { EventSink } from './event-stream.js';
export { ScalarRecordReader } from './scalar-record.js';
export { RunTail } from './run-tail.js';
export type { RunPollResult } from './run-tail.js';
export { listRuns, listEventFiles, readRunDirectory, readRunEvents } from './runs.js';
export type { RunReadResult, RunReadOptions } from './runs.js';
export { RestartRule, applyRestarts, survivesRestart } from './restarts.js';
export { scalarSeries } from './series.js';
export type { ScalarPoint } from './series.js';
export type { Damage, DamageKind, CorruptPolicy } from './damage.js';
export type {
  DecodedEvent,
  DecodedSessionLog,
  DecodedValue,
  ValueKind,
  ScalarValue,
  HistogramValue,
  HistogramStats,
  TextValue,
  ImageValue,
  HParamsValue,
  TensorValue,
  UnknownValue,
} from './decoded-event.js';
export { decodeEventRecord } from './decode-record.js';
export { interpretValue } from './interpret-value.js';
export type { TagMetadata } from './interpret-value.js';
export { decodeTensorValues } from './tensor-values.js';
export type { DecodedTensor } from './tensor-values.js';
export { RecordScanner } from './record-scanner.js';
export type { ScanItem } from './record-scanner.js';

// Format building blocks
export { crc32c, maskCrc, unmaskCrc, maskedCrc32c } from './crc32c.js';
export {
  encodeRecord,
  readRecordHeader,
  isRecordDataValid,
  RECORD_HEADER_BYTES,
  RECORD_FOOTER_BYTES,
  RECORD_OVERHEAD_BYTES,
} from './record.js';
export { PluginName, HParamsTag, HPARAMS_PLUGIN_DATA_VERSION } from './plugins.js';
export { encodeEvent, decodeEvent, FILE_VERSION, SessionStatus } from './proto/event.js';
export type { Event, SessionLog, TaggedRunMetadata, LogMessage } from './proto/event.js';
export { decodeSummary, decodeSummaryValue, decodeSummaryMetadata, DataClass } from './proto/summary.js';
export type { Summary, SummaryValue, SummaryMetadata, SummaryImage, PluginData } from './proto/summary.js';
export { decodeTensor, DataType } from './proto/tensor.js';
export type { TensorProto, TensorShapeProto, TensorShapeDim } from './proto/tensor.js';
export { decodeHistogramProto } from './proto/histogram.js';
export type { HistogramProto } from './proto/histogram.js';
export { encodeHParamsPluginData, decodeHParamsPluginData } from './proto/hparams.js';
export type {
  HParamsPluginData,
  Experiment,
  HParamInfo,
  HParamType,
  MetricInfo,
  MetricName,
  DatasetType,
  Interval,
  SessionStartInfo,
  SessionEndInfo,
  SessionStatusName,
} from './proto/hparams.js';
export type { JsonValue } from './proto/struct.js';
