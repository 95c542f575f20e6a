import { decodeHistogramProto, writeHistogramProto, type HistogramProto } from './histogram.js';
import { decodeTensor, writeTensor, type TensorProto } from './tensor.js';
import {
  asBytes,
  asFloat,
  asInt32,
  asMessage,
  asString,
  clearMembers,
  readMessage,
  writeMessage,
  WireType,
  type BinaryWriter,
  type FieldTable,
} from './wire.js';

/** tensorboard.DataClass */
export const DataClass = {
  DATA_CLASS_UNKNOWN: 0,
  DATA_CLASS_SCALAR: 1,
  DATA_CLASS_TENSOR: 2,
  DATA_CLASS_BLOB_SEQUENCE: 3,
} as const;

export interface PluginData {
  pluginName: string;
  content?: Uint8Array;
}

export interface SummaryMetadata {
  pluginData?: PluginData;
  displayName?: string;
  summaryDescription?: string;
  dataClass?: number;
}

/** Summary.Image: an encoded image (PNG, in practice) with its size. */
export interface SummaryImage {
  height: number;
  width: number;
  colorspace: number;
  encodedImageString: Uint8Array;
}

/** Summary.Value. At most one of the value fields is set (a protobuf oneof). */
export interface SummaryValue {
  tag: string;
  nodeName?: string;
  metadata?: SummaryMetadata;
  simpleValue?: number;
  obsoleteOldStyleHistogram?: Uint8Array;
  image?: SummaryImage;
  histo?: HistogramProto;
  /** Summary.Audio, kept as its encoded bytes. */
  audio?: Uint8Array;
  tensor?: TensorProto;
}

export interface Summary {
  value: SummaryValue[];
}

export function writeSummaryMetadata(w: BinaryWriter, m: SummaryMetadata): void {
  if (m.pluginData) {
    writeMessage(w, 1, m.pluginData, (w, p) => {
      if (p.pluginName) w.tag(1, WireType.LengthDelimited).string(p.pluginName);
      if (p.content && p.content.length > 0) w.tag(2, WireType.LengthDelimited).bytes(p.content);
    });
  }
  if (m.displayName) w.tag(2, WireType.LengthDelimited).string(m.displayName);
  if (m.summaryDescription) w.tag(3, WireType.LengthDelimited).string(m.summaryDescription);
  if (m.dataClass) w.tag(4, WireType.Varint).int32(m.dataClass);
}

export function writeSummaryImage(w: BinaryWriter, image: SummaryImage): void {
  if (image.height) w.tag(1, WireType.Varint).int32(image.height);
  if (image.width) w.tag(2, WireType.Varint).int32(image.width);
  if (image.colorspace) w.tag(3, WireType.Varint).int32(image.colorspace);
  if (image.encodedImageString.length > 0) w.tag(4, WireType.LengthDelimited).bytes(image.encodedImageString);
}

export function writeSummaryValue(w: BinaryWriter, v: SummaryValue): void {
  if (v.tag) w.tag(1, WireType.LengthDelimited).string(v.tag);
  if (v.nodeName) w.tag(7, WireType.LengthDelimited).string(v.nodeName);
  if (v.metadata) writeMessage(w, 9, v.metadata, writeSummaryMetadata);
  // Members of the `value` oneof are written even when zero: presence is what selects the member.
  if (v.simpleValue !== undefined) w.tag(2, WireType.Bit32).float(Math.fround(v.simpleValue));
  else if (v.obsoleteOldStyleHistogram) w.tag(3, WireType.LengthDelimited).bytes(v.obsoleteOldStyleHistogram);
  else if (v.image) writeMessage(w, 4, v.image, writeSummaryImage);
  else if (v.histo) writeMessage(w, 5, v.histo, writeHistogramProto);
  else if (v.audio) w.tag(6, WireType.LengthDelimited).bytes(v.audio);
  else if (v.tensor) writeMessage(w, 8, v.tensor, writeTensor);
}

export function writeSummary(w: BinaryWriter, s: Summary): void {
  for (const value of s.value) writeMessage(w, 1, value, writeSummaryValue);
}

const PLUGIN_DATA_FIELDS: FieldTable<PluginData> = {
  1: asString((p, v) => (p.pluginName = v)),
  2: asBytes((p, v) => (p.content = v)),
};

const METADATA_FIELDS: FieldTable<SummaryMetadata> = {
  1: asMessage((m, b) => (m.pluginData = readMessage(b, { pluginName: '' }, PLUGIN_DATA_FIELDS))),
  2: asString((m, v) => (m.displayName = v)),
  3: asString((m, v) => (m.summaryDescription = v)),
  4: asInt32((m, v) => (m.dataClass = v)),
};

const IMAGE_FIELDS: FieldTable<SummaryImage> = {
  1: asInt32((i, v) => (i.height = v)),
  2: asInt32((i, v) => (i.width = v)),
  3: asInt32((i, v) => (i.colorspace = v)),
  4: asBytes((i, v) => (i.encodedImageString = v)),
};

/** Members of the `value` oneof: setting one clears the others, so the last one read wins, as in protobuf. */
const VALUE_ONEOF_MEMBERS: readonly (keyof SummaryValue)[] = [
  'simpleValue',
  'obsoleteOldStyleHistogram',
  'image',
  'histo',
  'audio',
  'tensor',
];

const clearValueOneof = (target: SummaryValue): SummaryValue => clearMembers(target, VALUE_ONEOF_MEMBERS);

const VALUE_FIELDS: FieldTable<SummaryValue> = {
  1: asString((v, s) => (v.tag = s)),
  7: asString((v, s) => (v.nodeName = s)),
  9: asMessage((v, b) => (v.metadata = decodeSummaryMetadata(b))),
  2: asFloat((v, x) => (clearValueOneof(v).simpleValue = x)),
  3: asBytes((v, b) => (clearValueOneof(v).obsoleteOldStyleHistogram = b)),
  4: asMessage((v, b) => (clearValueOneof(v).image = decodeSummaryImage(b))),
  5: asMessage((v, b) => (clearValueOneof(v).histo = decodeHistogramProto(b))),
  6: asBytes((v, b) => (clearValueOneof(v).audio = b)),
  8: asMessage((v, b) => (clearValueOneof(v).tensor = decodeTensor(b))),
};

const SUMMARY_FIELDS: FieldTable<Summary> = {
  1: asMessage((s, b) => s.value.push(decodeSummaryValue(b))),
};

export function decodeSummaryMetadata(bytes: Uint8Array): SummaryMetadata {
  return readMessage(bytes, {}, METADATA_FIELDS);
}

export function decodeSummaryImage(bytes: Uint8Array): SummaryImage {
  return readMessage(bytes, { height: 0, width: 0, colorspace: 0, encodedImageString: new Uint8Array(0) }, IMAGE_FIELDS);
}

export function decodeSummaryValue(bytes: Uint8Array): SummaryValue {
  return readMessage(bytes, { tag: '' }, VALUE_FIELDS);
}

export function decodeSummary(bytes: Uint8Array): Summary {
  return readMessage(bytes, { value: [] }, SUMMARY_FIELDS);
}
