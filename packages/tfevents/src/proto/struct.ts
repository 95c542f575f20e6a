import {
  asBool,
  asDouble,
  asInt32,
  asMessage,
  asString,
  readMessage,
  writeMessage,
  WireType,
  type BinaryWriter,
  type FieldTable,
} from './wire.js';

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

/** Holder for the value being decoded (a `google.protobuf.Value` is a oneof of JSON kinds). */
interface ValueSlot {
  value: JsonValue;
}

const VALUE_FIELDS: FieldTable<ValueSlot> = {
  1: asInt32((slot) => (slot.value = null)),
  2: asDouble((slot, v) => (slot.value = v)),
  3: asString((slot, v) => (slot.value = v)),
  4: asBool((slot, v) => (slot.value = v)),
  5: asMessage((slot, b) => (slot.value = decodeStruct(b))),
  6: asMessage((slot, b) => (slot.value = decodeListValue(b))),
};

const LIST_FIELDS: FieldTable<JsonValue[]> = {
  1: asMessage((list, b) => list.push(decodeValue(b))),
};

const STRUCT_FIELDS: FieldTable<{ [key: string]: JsonValue }> = {
  1: asMessage((fields, b) => readMapEntryInto(b, fields)),
};

interface MapEntry {
  key: string;
  value: JsonValue;
}

const MAP_ENTRY_FIELDS: FieldTable<MapEntry> = {
  1: asString((entry, k) => (entry.key = k)),
  2: asMessage((entry, b) => (entry.value = decodeValue(b))),
};

export function decodeValue(bytes: Uint8Array): JsonValue {
  return readMessage<ValueSlot>(bytes, { value: null }, VALUE_FIELDS).value;
}

export function decodeListValue(bytes: Uint8Array): JsonValue[] {
  return readMessage(bytes, [], LIST_FIELDS);
}

export function decodeStruct(bytes: Uint8Array): { [key: string]: JsonValue } {
  return readMessage(bytes, {}, STRUCT_FIELDS);
}

/** Reads one `map<string, google.protobuf.Value>` entry into `target`. */
export function readMapEntryInto(bytes: Uint8Array, target: { [key: string]: JsonValue }): void {
  const { key, value } = readMessage<MapEntry>(bytes, { key: '', value: null }, MAP_ENTRY_FIELDS);
  // defineProperty, because a key such as "__proto__" must stay an ordinary key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
