import { open } from 'node:fs/promises';
import type { CorruptPolicy, Damage } from './damage.js';
import type { DecodedEvent } from './decoded-event.js';
import { ChunkBuffer, EventStream } from './event-stream.js';
import type { TagMetadata } from './interpret-value.js';

export interface TailOptions {
  onCorrupt?: CorruptPolicy;
  onDamage?: (damage: Damage) => void;
  chunkSize?: number;
  tagMetadata?: TagMetadata;
}

export interface PollResult {
  /** Events of the records completed since the last poll. */
  events: DecodedEvent[];
  /** Damage found in this poll. An incomplete last record is not damage here: it is retried next time. */
  damage: Damage[];
  /** Bytes after the last complete record (a record being written, usually). */
  pendingBytes: number;
  /** True when the file was found shorter than already read (replaced or truncated) and was read again from the start. */
  restarted: boolean;
}

const DEFAULT_CHUNK_SIZE = 1 << 20;
const MIN_READ_BYTES = 4096;

/**
 * Follows an event file that may still be written: each `poll()` reads only the bytes after the last
 * complete record and returns the new events. Polls run one after another even if called concurrently.
 */
export class EventFileTail {
  readonly path: string;
  private stream: EventStream;
  private readonly options: TailOptions;
  private readonly allDamage: Damage[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, options: TailOptions = {}) {
    this.path = path;
    this.options = options;
    this.stream = this.newStream();
  }

  /** Byte offset just after the last complete record read. */
  get offset(): number {
    return this.stream.scanner.offset;
  }

  /** All damage found so far. */
  get damage(): readonly Damage[] {
    return this.allDamage;
  }

  poll(): Promise<PollResult> {
    const result = this.queue.then(() => this.pollOnce());
    // Only the ordering is kept: holding `result` itself would keep the last poll's events alive.
    this.queue = result.then(() => undefined, () => undefined);
    return result;
  }

  private newStream(): EventStream {
    return new EventStream(this.path, {
      ...this.options,
      tagMetadata: this.options.tagMetadata ?? new Map(),
      onDamage: (damage) => {
        this.allDamage.push(damage);
        this.options.onDamage?.(damage);
      },
    });
  }

  private async pollOnce(): Promise<PollResult> {
    const damageBefore = this.allDamage.length;
    const events: DecodedEvent[] = [];
    let restarted = false;
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events, damage: [], pendingBytes: 0, restarted };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.stream.scanner.offset) {
        this.stream = this.newStream();
        restarted = true;
      }
      const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
      // Sized to what is new, so that polling many idle files stays cheap.
      const readSize = () => Math.min(chunkSize, Math.max(size - buffer.end, MIN_READ_BYTES));
      const buffer = new ChunkBuffer(0, this.offset);
      while (!this.stream.scanner.stopped) {
        const wanted = readSize();
        const at = buffer.prepare(this.stream.scanner.offset, wanted);
        const { bytesRead } = await handle.read(buffer.bytes, at, wanted, buffer.end);
        if (bytesRead === 0) break;
        buffer.commit(bytesRead);
        for (const event of this.stream.take(buffer)) events.push(event);
      }
      const pendingBytes = this.stream.scanner.stopped ? 0 : Math.max(0, buffer.end - this.offset);
      return { events, damage: this.allDamage.slice(damageBefore), pendingBytes, restarted };
    } finally {
      await handle.close();
    }
  }
}
