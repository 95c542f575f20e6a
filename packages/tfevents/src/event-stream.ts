import type { CorruptPolicy, Damage } from './damage.js';
import type { DecodedEvent } from './decoded-event.js';
import { decodeEventRecord } from './decode-record.js';
import type { TagMetadata } from './interpret-value.js';
import { RecordScanner } from './record-scanner.js';
import { ScalarRecordReader } from './scalar-record.js';

/**
 * Where `EventStream.takeInto` delivers a file's contents, in file order: each record of scalars only as its
 * values (no objects made for it), every other record as its decoded event.
 */
export interface EventSink {
  /** One scalars-only record: `values[i]` of `tags[i]` for i < count (the arrays are reused after the call). */
  scalars(step: number, wallTime: number, tags: readonly string[], values: Float64Array, count: number, offset: number): void;
  event(event: DecodedEvent): void;
}

/** Growable byte window over a file: bytes before the scanner's offset are dropped, new chunks are read in at the end. */
export class ChunkBuffer {
  bytes: Uint8Array;
  /** File offset of `bytes[0]`. */
  base: number;
  length = 0;

  constructor(capacity: number, base = 0) {
    this.bytes = new Uint8Array(capacity);
    this.base = base;
  }

  /** File offset just after the last byte held: where the next read goes. */
  get end(): number {
    return this.base + this.length;
  }

  get view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** Drops the bytes before file offset `keepFrom`, makes room for `size` more and returns the index to read into. */
  prepare(keepFrom: number, size: number): number {
    const drop = Math.min(keepFrom - this.base, this.length);
    if (drop > 0) {
      this.bytes.copyWithin(0, drop, this.length);
      this.length -= drop;
      this.base += drop;
    }
    if (this.bytes.length - this.length < size) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + size));
      grown.set(this.view);
      this.bytes = grown;
    }
    return this.length;
  }

  commit(bytesRead: number): void {
    this.length += bytesRead;
  }
}

export interface EventStreamOptions {
  onCorrupt?: CorruptPolicy;
  /** Called with each damage as it is found, in file order with the events. */
  onDamage?: (damage: Damage) => void;
  /** Shared per run, so that a tag's metadata seen in one file applies in the next. */
  tagMetadata?: TagMetadata;
  /** File offset to start at (default 0). */
  startOffset?: number;
  /** Decode only the records (an Event's bytes, CRCs checked) this accepts: a reader that wants a few kinds skips the decoding of the rest. */
  decodeIf?: (record: Uint8Array) => boolean;
}

/** Turns scanned bytes of one file into decoded events and damage reports. */
export class EventStream {
  readonly scanner: RecordScanner;
  readonly damage: Damage[] = [];
  private readonly policy: CorruptPolicy;
  private readonly tagMetadata: TagMetadata;

  constructor(
    readonly file: string,
    private readonly options: EventStreamOptions = {},
  ) {
    this.policy = options.onCorrupt ?? 'skip';
    this.scanner = new RecordScanner(this.policy, options.startOffset ?? 0);
    this.tagMetadata = options.tagMetadata ?? new Map();
  }

  /** Scans the buffer and returns the events of the complete records in it. */
  take(buffer: ChunkBuffer): DecodedEvent[] {
    const events: DecodedEvent[] = [];
    for (const item of this.scanner.scan(buffer.view, buffer.base)) {
      if (item.type === 'damage') {
        this.report(item.damage);
        continue;
      }
      if (this.options.decodeIf && !this.options.decodeIf(item.data)) continue;
      try {
        events.push(decodeEventRecord(item.data, item.offset, this.tagMetadata, this.file));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const message = `record is not an Event: ${reason}`;
        this.report({ kind: 'bad-event', offset: item.offset, length: item.data.length, message });
        if (this.policy === 'stop') {
          this.scanner.stop();
          this.scanner.offset = item.offset;
          break;
        }
      }
    }
    return events;
  }

  /**
   * Like `take`, delivering to `sink` as it scans: scalars-only records are read from the bytes without decoding
   * them into events (with the values `take` gives them); other records are decoded in full.
   */
  takeInto(buffer: ChunkBuffer, sink: EventSink): void {
    const scalars = (this.scalarReader ??= new ScalarRecordReader(this.tagMetadata));
    this.scanner.scanEach(
      buffer.view,
      buffer.base,
      (bytes, start, length, offset) => {
        if (this.options.decodeIf && !this.options.decodeIf(bytes.subarray(start, start + length))) return true;
        if (scalars.read(bytes, start, start + length)) {
          sink.scalars(scalars.step, scalars.wallTime, scalars.tags, scalars.values, scalars.count, offset);
          return true;
        }
        let event: DecodedEvent;
        try {
          event = decodeEventRecord(bytes.slice(start, start + length), offset, this.tagMetadata, this.file);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          this.report({ kind: 'bad-event', offset, length, message: `record is not an Event: ${reason}` });
          return this.policy !== 'stop';
        }
        sink.event(event);
        return true;
      },
      (damage) => this.report(damage),
    );
  }

  private scalarReader: ScalarRecordReader | undefined;

  /** At the end of the file: reports a truncated last record. */
  finish(fileSize: number): void {
    for (const damage of this.scanner.finish(fileSize)) this.report(damage);
  }

  private report(damage: Damage): void {
    const located = { ...damage, file: this.file };
    this.damage.push(located);
    this.options.onDamage?.(located);
  }
}
