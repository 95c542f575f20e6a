import { maskedCrc32c } from './crc32c.js';

/** TFRecord framing: uint64 length, masked CRC of the length, data, masked CRC of the data. */
export const RECORD_HEADER_BYTES = 12;
export const RECORD_FOOTER_BYTES = 4;
export const RECORD_OVERHEAD_BYTES = RECORD_HEADER_BYTES + RECORD_FOOTER_BYTES;

/** Frames `data` as one TFRecord. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(RECORD_OVERHEAD_BYTES + data.length);
  const view = new DataView(record.buffer);
  view.setUint32(0, data.length >>> 0, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(record.subarray(0, 8)), true);
  record.set(data, RECORD_HEADER_BYTES);
  view.setUint32(RECORD_HEADER_BYTES + data.length, maskedCrc32c(data), true);
  return record;
}

export interface RecordHeader {
  /** Length of the record's data in bytes, as stored. */
  length: number;
  /** Whether the stored masked CRC matches the 8 length bytes. */
  lengthCrcValid: boolean;
}

/** Reads the 12-byte header starting at `index` (the caller guarantees 12 bytes are there). */
export function readRecordHeader(bytes: Uint8Array, index: number): RecordHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset + index, RECORD_HEADER_BYTES);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  const lengthCrcValid = maskedCrc32c(bytes.subarray(index, index + 8)) === view.getUint32(8, true);
  return { length, lengthCrcValid };
}

/** Checks the masked data CRC of a record whose data starts at `dataIndex` (data and footer must be present). */
export function isRecordDataValid(bytes: Uint8Array, dataIndex: number, length: number): boolean {
  const data = bytes.subarray(dataIndex, dataIndex + length);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + dataIndex + length, 4).getUint32(0, true);
  return maskedCrc32c(data) === stored;
}
