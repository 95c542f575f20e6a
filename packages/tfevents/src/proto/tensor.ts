import {
  asBool,
  asBytes,
  asInt32,
  asInt64,
  asMessage,
  asRepeatedBool,
  asRepeatedDouble,
  asRepeatedFloat,
  asRepeatedInt32,
  asRepeatedInt64,
  asString,
  readMessage,
  toInt64,
  writeMessage,
  writePacked,
  WireType,
  type BinaryWriter,
  type FieldTable,
} from './wire.js';

/** tensorflow.DataType (subset with the values TensorBoard summaries use). */
export const DataType = {
  DT_INVALID: 0,
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_INT16: 5,
  DT_INT8: 6,
  DT_STRING: 7,
  DT_INT64: 9,
  DT_BOOL: 10,
  DT_HALF: 19,
} as const;

export interface TensorShapeDim {
  size: number;
  name?: string;
}

export interface TensorShapeProto {
  dim: TensorShapeDim[];
  unknownRank?: boolean;
}

export interface TensorProto {
  dtype: number;
  tensorShape?: TensorShapeProto;
  versionNumber?: number;
  tensorContent?: Uint8Array;
  halfVal?: number[];
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: number[];
  boolVal?: boolean[];
}

export function writeTensorShape(w: BinaryWriter, shape: TensorShapeProto): void {
  for (const dim of shape.dim) {
    writeMessage(w, 2, dim, (w, d) => {
      if (d.size !== 0) w.tag(1, WireType.Varint).int64(toInt64(d.size, 'dimension size'));
      if (d.name) w.tag(2, WireType.LengthDelimited).string(d.name);
    });
  }
  if (shape.unknownRank) w.tag(3, WireType.Varint).bool(true);
}

export function writeTensor(w: BinaryWriter, t: TensorProto): void {
  if (t.dtype !== 0) w.tag(1, WireType.Varint).int32(t.dtype);
  // The shape is written even when empty (rank 0), like TensorFlow's make_tensor_proto.
  if (t.tensorShape) writeMessage(w, 2, t.tensorShape, writeTensorShape);
  if (t.versionNumber) w.tag(3, WireType.Varint).int32(t.versionNumber);
  if (t.tensorContent && t.tensorContent.length > 0) w.tag(4, WireType.LengthDelimited).bytes(t.tensorContent);
  writePacked(w, 5, t.floatVal, (w, v) => w.float(Math.fround(v)));
  writePacked(w, 6, t.doubleVal, (w, v) => w.double(v));
  writePacked(w, 7, t.intVal, (w, v) => w.int32(v));
  for (const s of t.stringVal ?? []) w.tag(8, WireType.LengthDelimited).bytes(s);
  writePacked(w, 10, t.int64Val, (w, v) => w.int64(toInt64(v, 'int64 value')));
  writePacked(w, 11, t.boolVal, (w, v) => w.bool(v));
  writePacked(w, 13, t.halfVal, (w, v) => w.int32(v));
}

const DIM_FIELDS: FieldTable<TensorShapeDim> = {
  1: asInt64((d, v) => (d.size = v)),
  2: asString((d, v) => (d.name = v)),
};

const SHAPE_FIELDS: FieldTable<TensorShapeProto> = {
  2: asMessage((s, b) => s.dim.push(readMessage(b, { size: 0 }, DIM_FIELDS))),
  3: asBool((s, v) => (s.unknownRank = v)),
};

const TENSOR_FIELDS: FieldTable<TensorProto> = {
  1: asInt32((t, v) => (t.dtype = v)),
  2: asMessage((t, b) => (t.tensorShape = decodeTensorShape(b))),
  3: asInt32((t, v) => (t.versionNumber = v)),
  4: asBytes((t, v) => (t.tensorContent = v)),
  5: asRepeatedFloat((t) => (t.floatVal ??= [])),
  6: asRepeatedDouble((t) => (t.doubleVal ??= [])),
  7: asRepeatedInt32((t) => (t.intVal ??= [])),
  8: asBytes((t, v) => (t.stringVal ??= []).push(v)),
  10: asRepeatedInt64((t) => (t.int64Val ??= [])),
  11: asRepeatedBool((t) => (t.boolVal ??= [])),
  13: asRepeatedInt32((t) => (t.halfVal ??= [])),
};

export function decodeTensorShape(bytes: Uint8Array): TensorShapeProto {
  return readMessage(bytes, { dim: [] }, SHAPE_FIELDS);
}

export function decodeTensor(bytes: Uint8Array): TensorProto {
  return readMessage(bytes, { dtype: 0 }, TENSOR_FIELDS);
}
