import { decodeHistogramProto, writeHistogramProto, type HistogramProto } from './histogram.js';
import { decodeTensor, writeTensor, type TensorProto } from './tensor.js';
import {
  asBytes,
  asFloat,
  asInt32,
  asMessage,
  asString,
  readFields,
  writeMessage,
  WireType,
  type BinaryWriter,
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

export function decodeSummaryMetadata(bytes: Uint8Array): SummaryMetadata {
  const m: SummaryMetadata = {};
  readFields(bytes, {
    1: asMessage((b) => (m.pluginData = decodePluginData(b))),
    2: asString((v) => (m.displayName = v)),
    3: asString((v) => (m.summaryDescription = v)),
    4: asInt32((v) => (m.dataClass = v)),
  });
  return m;
}

function decodePluginData(bytes: Uint8Array): PluginData {
  const p: PluginData = { pluginName: '' };
  readFields(bytes, {
    1: asString((v) => (p.pluginName = v)),
    2: asBytes((v) => (p.content = v)),
  });
  return p;
}

export function decodeSummaryImage(bytes: Uint8Array): SummaryImage {
  const image: SummaryImage = { height: 0, width: 0, colorspace: 0, encodedImageString: new Uint8Array(0) };
  readFields(bytes, {
    1: asInt32((v) => (image.height = v)),
    2: asInt32((v) => (image.width = v)),
    3: asInt32((v) => (image.colorspace = v)),
    4: asBytes((v) => (image.encodedImageString = v)),
  });
  return image;
}

/** Decodes a Summary.Value; when several oneof members appear, the last one wins, as in protobuf. */
export function decodeSummaryValue(bytes: Uint8Array): SummaryValue {
  const v: SummaryValue = { tag: '' };
  const setOneof = (apply: () => void) => {
    delete v.simpleValue;
    delete v.obsoleteOldStyleHistogram;
    delete v.image;
    delete v.histo;
    delete v.audio;
    delete v.tensor;
    apply();
  };
  readFields(bytes, {
    1: asString((s) => (v.tag = s)),
    7: asString((s) => (v.nodeName = s)),
    9: asMessage((b) => (v.metadata = decodeSummaryMetadata(b))),
    2: asFloat((x) => setOneof(() => (v.simpleValue = x))),
    3: asBytes((b) => setOneof(() => (v.obsoleteOldStyleHistogram = b))),
    4: asMessage((b) => setOneof(() => (v.image = decodeSummaryImage(b)))),
    5: asMessage((b) => setOneof(() => (v.histo = decodeHistogramProto(b)))),
    6: asBytes((b) => setOneof(() => (v.audio = b))),
    8: asMessage((b) => setOneof(() => (v.tensor = decodeTensor(b)))),
  });
  return v;
}

export function decodeSummary(bytes: Uint8Array): Summary {
  const s: Summary = { value: [] };
  readFields(bytes, { 1: asMessage((b) => s.value.push(decodeSummaryValue(b))) });
  return s;
}
