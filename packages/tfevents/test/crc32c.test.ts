import { describe, expect, it } from 'vitest';
import { crc32c, encodeRecord, maskCrc, maskedCrc32c, readRecordHeader, unmaskCrc } from '../src/index.js';

const ascii = (s: string) => new TextEncoder().encode(s);

/** Bit-by-bit CRC-32C, as a reference for the table-driven one. */
function referenceCrc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the published check value for "123456789"', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
  });

  it('matches the published value for 32 zero bytes', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it('matches the published values for 32 0xff bytes and 0..31 (RFC 3720)', () => {
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it('is 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with a bitwise implementation for every length 0..100 and unaligned views', () => {
    const bytes = Uint8Array.from({ length: 203 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= 100; n++) {
      expect(crc32c(bytes.subarray(0, n))).toBe(referenceCrc32c(bytes.subarray(0, n)));
      expect(crc32c(bytes.subarray(3, 3 + n))).toBe(referenceCrc32c(bytes.subarray(3, 3 + n)));
    }
  });

  it('continues a running checksum', () => {
    const data = ascii('123456789');
    expect(crc32c(data.subarray(4), crc32c(data.subarray(0, 4)))).toBe(0xe3069283);
  });
});

describe('CRC masking', () => {
  it('computes ((c >>> 15) | (c << 17)) + 0xa282ead8', () => {
    const c = 0xe3069283;
    const expected = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
    expect(maskCrc(c)).toBe(expected);
    expect(maskedCrc32c(ascii('123456789'))).toBe(expected);
  });

  it('is undone by unmaskCrc', () => {
    for (const c of [0, 1, 0xffffffff, 0xe3069283, 0x8a9136aa, 0x80000000]) expect(unmaskCrc(maskCrc(c))).toBe(c);
  });
});

describe('encodeRecord', () => {
  it('frames data as length, masked length CRC, data, masked data CRC', () => {
    const data = ascii('hello');
    const record = encodeRecord(data);
    const view = new DataView(record.buffer);
    expect(record.length).toBe(12 + 5 + 4);
    expect(view.getBigUint64(0, true)).toBe(5n);
    expect(view.getUint32(8, true)).toBe(maskCrc(crc32c(record.subarray(0, 8))));
    expect(Array.from(record.subarray(12, 17))).toEqual(Array.from(data));
    expect(view.getUint32(17, true)).toBe(maskCrc(crc32c(data)));
    expect(readRecordHeader(record, 0)).toEqual({ length: 5, lengthCrcValid: true });
  });
});
