import { DataType, type TensorProto } from './proto/tensor.js';

/** A TensorProto's elements as JavaScript values, in row-major order. */
export interface DecodedTensor {
  dtype: number;
  shape: number[];
  /** Numbers for numeric dtypes (int64 as the nearest number), booleans for DT_BOOL, bytes for DT_STRING. */
  values: number[] | boolean[] | Uint8Array[];
}

/** Byte size and little-endian reader of one element of `tensor_content`, per dtype. */
const CONTENT_READERS: Record<number, [number, (view: DataView, at: number) => number]> = {
  [DataType.DT_FLOAT]: [4, (v, at) => v.getFloat32(at, true)],
  [DataType.DT_DOUBLE]: [8, (v, at) => v.getFloat64(at, true)],
  [DataType.DT_INT32]: [4, (v, at) => v.getInt32(at, true)],
  [DataType.DT_INT64]: [8, (v, at) => Number(v.getBigInt64(at, true))],
  [DataType.DT_INT16]: [2, (v, at) => v.getInt16(at, true)],
  [DataType.DT_INT8]: [1, (v, at) => v.getInt8(at)],
  [DataType.DT_UINT8]: [1, (v, at) => v.getUint8(at)],
  [DataType.DT_BOOL]: [1, (v, at) => v.getUint8(at)],
  [DataType.DT_HALF]: [2, (v, at) => halfToNumber(v.getUint16(at, true))],
};

export function tensorShape(tensor: TensorProto): number[] {
  return (tensor.tensorShape?.dim ?? []).map((d) => d.size);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, size) => n * Math.max(size, 0), 1);
}

export function decodeTensorValues(tensor: TensorProto): DecodedTensor {
  const shape = tensorShape(tensor);
  const { dtype } = tensor;
  if (dtype === DataType.DT_STRING) return { dtype, shape, values: tensor.stringVal ?? [] };

  let numbers: number[];
  const reader = CONTENT_READERS[dtype];
  if (tensor.tensorContent && tensor.tensorContent.length > 0 && reader) {
    const [size, read] = reader;
    const content = tensor.tensorContent;
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    numbers = Array.from({ length: Math.floor(content.length / size) }, (_, i) => read(view, i * size));
  } else {
    numbers = repeatedValues(tensor);
  }
  // TensorProto version 0: a single repeated value stands for a tensor filled with it.
  const count = elementCount(shape);
  if (numbers.length === 1 && count > 1) numbers = new Array<number>(count).fill(numbers[0]!);
  return { dtype, shape, values: dtype === DataType.DT_BOOL ? numbers.map((n) => n !== 0) : numbers };
}

function repeatedValues(tensor: TensorProto): number[] {
  switch (tensor.dtype) {
    case DataType.DT_FLOAT:
      return tensor.floatVal ?? [];
    case DataType.DT_DOUBLE:
      return tensor.doubleVal ?? [];
    case DataType.DT_INT64:
      return tensor.int64Val ?? [];
    case DataType.DT_BOOL:
      return (tensor.boolVal ?? []).map(Number);
    case DataType.DT_HALF:
      return (tensor.halfVal ?? []).map(halfToNumber);
    default:
      return tensor.intVal ?? [];
  }
}

/** IEEE 754 half precision bits to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
