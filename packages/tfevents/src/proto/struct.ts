import { asBool, asDouble, asInt32, asMessage, asString, readFields, writeMessage, WireType, type BinaryWriter } from './wire.js';

/** A JavaScript value that google.protobuf.Value can hold. */
export type JsonValue = null | number | string | boolean | JsonValue[] | { [key: string]: JsonValue };

/** Writes a google.protobuf.Value. `undefined` members of objects are left out, as in JSON. */
export function writeValue(w: BinaryWriter, value: JsonValue): void {
  if (value === null) w.tag(1, WireType.Varint).int32(0);
  else if (typeof value === 'number') w.tag(2, WireType.Bit64).double(value);
  else if (typeof value === 'string') w.tag(3, WireType.LengthDelimited).string(value);
  else if (typeof value === 'boolean') w.tag(4, WireType.Varint).bool(value);
  else if (Array.isArray(value)) writeMessage(w, 6, value, writeListValue);
  else writeMessage(w, 5, value, writeStruct);
}

export function writeListValue(w: BinaryWriter, values: readonly JsonValue[]): void {
  for (const value of values) writeMessage(w, 1, value, writeValue);
}

export function writeStruct(w: BinaryWriter, fields: { readonly [key: string]: JsonValue }): void {
  writeMapOfValues(w, 1, fields);
}

/** Writes a `map<string, google.protobuf.Value>` field as its repeated key/value entries. */
export function writeMapOfValues(w: BinaryWriter, fieldNo: number, map: { readonly [key: string]: JsonValue | undefined }): void {
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    writeMessage(w, fieldNo, value, (w, v) => {
      w.tag(1, WireType.LengthDelimited).string(key);
      writeMessage(w, 2, v, writeValue);
    });
  }
}

export function decodeValue(bytes: Uint8Array): JsonValue {
  let value: JsonValue = null;
  readFields(bytes, {
    1: asInt32(() => (value = null)),
    2: asDouble((v) => (value = v)),
    3: asString((v) => (value = v)),
    4: asBool((v) => (value = v)),
    5: asMessage((b) => (value = decodeStruct(b))),
    6: asMessage((b) => (value = decodeListValue(b))),
  });
  return value;
}

export function decodeListValue(bytes: Uint8Array): JsonValue[] {
  const values: JsonValue[] = [];
  readFields(bytes, { 1: asMessage((b) => values.push(decodeValue(b))) });
  return values;
}

export function decodeStruct(bytes: Uint8Array): { [key: string]: JsonValue } {
  const fields: { [key: string]: JsonValue } = {};
  readFields(bytes, { 1: asMessage((b) => readMapEntryInto(b, fields)) });
  return fields;
}

/** Reads one `map<string, google.protobuf.Value>` entry into `target`. */
export function readMapEntryInto(bytes: Uint8Array, target: { [key: string]: JsonValue }): void {
  let key = '';
  let value: JsonValue = null;
  readFields(bytes, {
    1: asString((k) => (key = k)),
    2: asMessage((b) => (value = decodeValue(b))),
  });
  // defineProperty, because a key such as "__proto__" must stay an ordinary key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
