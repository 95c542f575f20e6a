import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** An independent decoder of event files: protobufjs with TensorBoard's own .proto definitions. */

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'tfevents', 'test', 'proto');

/** Splits a TFRecord file into its records' data by the length fields alone (no CRC checks): independent of the reader. */
export function splitRecords(file: Uint8Array): { offset: number; data: Uint8Array }[] {
  const buffer = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const records: { offset: number; data: Uint8Array }[] = [];
  for (let at = 0; at + 12 <= buffer.length; ) {
    const length = Number(buffer.readBigUInt64LE(at));
    records.push({ offset: at, data: buffer.subarray(at + 12, at + 12 + length) });
    at += 12 + length + 4;
  }
  return records;
}

export function readRecordsOf(path: string): { offset: number; data: Uint8Array }[] {
  return splitRecords(readFileSync(path));
}

/** TensorBoard's .proto files (packages/tfevents/test/proto), in dependency order. */
const PROTO_FILES = [
  'google/protobuf/struct.proto',
  'tensorboard/compat/proto/types.proto',
  'tensorboard/compat/proto/tensor_shape.proto',
  'tensorboard/compat/proto/tensor.proto',
  'tensorboard/compat/proto/histogram.proto',
  'tensorboard/compat/proto/summary.proto',
  'tensorboard/compat/proto/event.proto',
  'tensorboard/plugins/hparams/api.proto',
  'tensorboard/plugins/hparams/plugin_data.proto',
  'tensorboard/plugins/custom_scalar/layout.proto',
];

/**
 * A protobufjs root built from TensorBoard's definitions with their original snake_case field names.
 * Each file is parsed from its text (not fetched via imports), so protobufjs' bundled google/protobuf copies play no part.
 */
export function loadTensorBoardProtos(): protobuf.Root {
  const root = new protobuf.Root();
  for (const file of PROTO_FILES) {
    protobuf.parse(readFileSync(join(PROTO_DIR, file), 'utf8'), root, { keepCase: true });
  }
  root.resolveAll();
  return root;
}

export const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: false, oneofs: true };
