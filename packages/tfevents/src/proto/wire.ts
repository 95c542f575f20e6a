import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

export { BinaryReader, BinaryWriter, WireType };

// ---- writing ----

/** Writes `message` as the length-delimited field `fieldNo`. */
export function writeMessage<T>(
  w: BinaryWriter,
  fieldNo: number,
  message: T,
  writeFields: (w: BinaryWriter, message: T) => void,
): void {
  w.tag(fieldNo, WireType.LengthDelimited).fork();
  writeFields(w, message);
  w.join();
}

/** Writes a packed repeated numeric field; nothing when empty, as proto3 does. */
export function writePacked<T>(
  w: BinaryWriter,
  fieldNo: number,
  values: readonly T[] | undefined,
  writeOne: (w: BinaryWriter, value: T) => void,
): void {
  if (!values || values.length === 0) return;
  w.tag(fieldNo, WireType.LengthDelimited).fork();
  for (const value of values) writeOne(w, value);
  w.join();
}

const sharedWriter = new BinaryWriter();

/** Encodes a message with one reused writer (encoding never nests, so sharing it is safe). */
export function encodeWith<T>(message: T, writeFields: (w: BinaryWriter, message: T) => void): Uint8Array {
  try {
    writeFields(sharedWriter, message);
  } catch (error) {
    sharedWriter.finish();
    throw error;
  }
  return sharedWriter.finish();
}

export function toInt64(value: number | bigint, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  return BigInt(value);
}

// ---- reading ----

/** How to read one field into a message of type T: the wire types it may arrive with, and what to do with it. */
export interface FieldReader<T> {
  /** Bit `1 << wireType` is set for each accepted wire type. */
  wireTypes: number;
  read(r: BinaryReader, target: T, wireType: WireType): void;
}

/** Field readers by field number; built once per message type, so decoding allocates no closures. */
export type FieldTable<T> = Readonly<Record<number, FieldReader<T>>>;

/**
 * Reads every field of a message into `target`. Fields without a reader, or arriving with an
 * unexpected wire type, are skipped rather than misread.
 */
export function readMessage<T>(bytes: Uint8Array, target: T, fields: FieldTable<T>): T {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [fieldNo, wireType] = r.tag();
    const reader = fields[fieldNo];
    if (reader && reader.wireTypes & (1 << wireType)) reader.read(r, target, wireType);
    else r.skip(wireType, fieldNo);
  }
  return target;
}

function scalar<V>(wireType: WireType, readOne: (r: BinaryReader) => V) {
  return <T>(set: (target: T, value: V) => void): FieldReader<T> => ({
    wireTypes: 1 << wireType,
    read: (r, target) => set(target, readOne(r)),
  });
}

/** A repeated numeric field, accepted packed (proto3 default) or one element per tag (proto2 style). */
function repeated<V>(wireType: WireType, readOne: (r: BinaryReader) => V) {
  return <T>(values: (target: T) => V[]): FieldReader<T> => ({
    wireTypes: (1 << WireType.LengthDelimited) | (1 << wireType),
    read(r, target, actual) {
      const out = values(target);
      if (actual === WireType.LengthDelimited) {
        const packed = new BinaryReader(r.bytes());
        while (packed.pos < packed.len) out.push(readOne(packed));
      } else {
        out.push(readOne(r));
      }
    },
  });
}

/** Clears the other members of a oneof before one is set, so that the last one read wins, as in protobuf. */
export function clearMembers<T extends object>(target: T, members: readonly (keyof T)[]): T {
  for (const member of members) if (target[member] !== undefined) delete target[member];
  return target;
}

const readInt64 = (r: BinaryReader): number => Number(r.int64());

export const asDouble = scalar(WireType.Bit64, (r) => r.double());
export const asFloat = scalar(WireType.Bit32, (r) => r.float());
export const asInt32 = scalar(WireType.Varint, (r) => r.int32());
export const asInt64 = scalar(WireType.Varint, readInt64);
export const asBool = scalar(WireType.Varint, (r) => r.bool());
export const asString = scalar(WireType.LengthDelimited, (r) => r.string());
export const asBytes = scalar(WireType.LengthDelimited, (r) => r.bytes());
/** An embedded message, handed over as its bytes for the message's own decoder. */
export const asMessage = asBytes;
export const asRepeatedDouble = repeated(WireType.Bit64, (r) => r.double());
export const asRepeatedFloat = repeated(WireType.Bit32, (r) => r.float());
export const asRepeatedInt32 = repeated(WireType.Varint, (r) => r.int32());
export const asRepeatedInt64 = repeated(WireType.Varint, readInt64);
export const asRepeatedBool = repeated(WireType.Varint, (r) => r.bool());
