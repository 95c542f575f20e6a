import { asDouble, asRepeatedDouble, readMessage, writePacked, WireType, type BinaryWriter, type FieldTable } from './wire.js';

/** tensorflow.HistogramProto: `bucket[i]` counts values in (bucket_limit[i-1], bucket_limit[i]]. */
export interface HistogramProto {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

export function writeHistogramProto(w: BinaryWriter, h: HistogramProto): void {
  if (h.min !== 0) w.tag(1, WireType.Bit64).double(h.min);
  if (h.max !== 0) w.tag(2, WireType.Bit64).double(h.max);
  if (h.num !== 0) w.tag(3, WireType.Bit64).double(h.num);
  if (h.sum !== 0) w.tag(4, WireType.Bit64).double(h.sum);
  if (h.sumSquares !== 0) w.tag(5, WireType.Bit64).double(h.sumSquares);
  writePacked(w, 6, h.bucketLimit, (w, v) => w.double(v));
  writePacked(w, 7, h.bucket, (w, v) => w.double(v));
}

const HISTOGRAM_FIELDS: FieldTable<HistogramProto> = {
  1: asDouble((h, v) => (h.min = v)),
  2: asDouble((h, v) => (h.max = v)),
  3: asDouble((h, v) => (h.num = v)),
  4: asDouble((h, v) => (h.sum = v)),
  5: asDouble((h, v) => (h.sumSquares = v)),
  6: asRepeatedDouble((h) => h.bucketLimit),
  7: asRepeatedDouble((h) => h.bucket),
};

export function decodeHistogramProto(bytes: Uint8Array): HistogramProto {
  const h: HistogramProto = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  return readMessage(bytes, h, HISTOGRAM_FIELDS);
}
