import type { CorruptPolicy, Damage } from './damage.js';
import { isRecordDataValid, readRecordHeader, RECORD_FOOTER_BYTES, RECORD_HEADER_BYTES } from './record.js';

export type ScanItem = { type: 'record'; offset: number; data: Uint8Array } | { type: 'damage'; damage: Damage };

/**
 * Finds the records in the bytes of an event file as they arrive, checking both CRCs.
 * Incomplete records are left for the next call (more bytes may come); `finish` decides at the end of the file.
 * After a bad length CRC with the 'skip' policy it resynchronises: it searches forward for the next
 * position whose 8 length bytes match the CRC that follows them.
 */
export class RecordScanner {
  /** File offset of the first byte not yet consumed: the next record, or where the resync search goes on. */
  offset: number;
  private stoppedFlag = false;
  private resyncing = false;

  constructor(
    private readonly onCorrupt: CorruptPolicy = 'skip',
    startOffset = 0,
  ) {
    this.offset = startOffset;
  }

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  stop(): void {
    this.stoppedFlag = true;
  }

  /** Scans `bytes`, which hold the file from offset `base` on and must include `this.offset`. Records' data are copies. */
  scan(bytes: Uint8Array, base: number): ScanItem[] {
    const items: ScanItem[] = [];
    this.scanEach(
      bytes,
      base,
      (data, start, length, offset) => void items.push({ type: 'record', offset, data: data.slice(start, start + length) }),
      (found) => void items.push({ type: 'damage', damage: found }),
    );
    return items;
  }

  /**
   * Like `scan`, without a copy or an object per record: `onRecord` gets each record's data as `bytes[start, start +
   * length)`, valid only during the call. When it answers false the scan stops at that record (its offset is kept
   * and the scanner is stopped).
   */
  scanEach(
    bytes: Uint8Array,
    base: number,
    onRecord: (bytes: Uint8Array, start: number, length: number, offset: number) => boolean | void,
    onDamage: (damage: Damage) => void,
  ): void {
    let i = this.offset - base;
    while (!this.stoppedFlag) {
      if (this.resyncing) {
        const found = findNextHeader(bytes, i);
        if (found < 0) {
          i = Math.max(i, bytes.length - RECORD_HEADER_BYTES + 1);
          break;
        }
        i = found;
        this.resyncing = false;
      }
      if (bytes.length - i < RECORD_HEADER_BYTES) break;
      const offset = base + i;
      const { length, lengthCrcValid } = readRecordHeader(bytes, i);
      if (!lengthCrcValid) {
        if (offset === 0) {
          onDamage(damage('not-an-event-file', offset, 'the first record header fails its CRC: not a TFRecord event file'));
          this.stoppedFlag = true;
          break;
        }
        onDamage(damage('bad-length-crc', offset, 'record header fails its CRC; its length cannot be trusted'));
        if (this.onCorrupt === 'stop') {
          this.stoppedFlag = true;
          break;
        }
        this.resyncing = true;
        i += 1;
        continue;
      }
      const end = i + RECORD_HEADER_BYTES + length + RECORD_FOOTER_BYTES;
      if (bytes.length < end) break;
      if (!isRecordDataValid(bytes, i + RECORD_HEADER_BYTES, length)) {
        onDamage({ kind: 'bad-data-crc', offset, length: end - i, message: `record data (${length} bytes) fails its CRC` });
        if (this.onCorrupt === 'stop') {
          this.stoppedFlag = true;
          break;
        }
        i = end;
        continue;
      }
      if (onRecord(bytes, i + RECORD_HEADER_BYTES, length, offset) === false) {
        this.stoppedFlag = true;
        break;
      }
      i = end;
    }
    this.offset = base + i;
  }

  /** At the end of the file (of size `fileSize`): damage for a last record cut short, if any. */
  finish(fileSize: number): Damage[] {
    if (this.stoppedFlag || this.resyncing || this.offset >= fileSize) return [];
    const length = fileSize - this.offset;
    const message = `file ends inside a record (${length} bytes after the last complete record)`;
    return [{ kind: 'truncated', offset: this.offset, length, message }];
  }
}

function damage(kind: Damage['kind'], offset: number, message: string): Damage {
  return { kind, offset, message };
}

function findNextHeader(bytes: Uint8Array, from: number): number {
  for (let p = from; p + RECORD_HEADER_BYTES <= bytes.length; p++) {
    if (readRecordHeader(bytes, p).lengthCrcValid) return p;
  }
  return -1;
}
