import { open } from 'node:fs/promises';
import type { CorruptPolicy, Damage } from './damage.js';
import type { DecodedEvent } from './decoded-event.js';
import { ChunkBuffer, EventStream, type EventSink } from './event-stream.js';
import type { TagMetadata } from './interpret-value.js';

export interface TailOptions {
  onCorrupt?: CorruptPolicy;
  onDamage?: (damage: Damage) => void;
  chunkSize?: number;
  tagMetadata?: TagMetadata;
  /** Decode only the records this accepts (see EventStreamOptions). */
  decodeIf?: (record: Uint8Array) => boolean;
  /**
   * Stop a poll once about this many bytes were read (`more` is then true): a reader of many runs polls one huge
   * file in parts instead of holding all its decoded events at once. Default: read to the end.
   */
  maxBytesPerPoll?: number;
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
  /** True when the poll stopped at maxBytesPerPoll before the end of the file: poll again for the rest. */
  more: boolean;
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

  /**
   * Like `poll`, delivering what it reads to `sink` as it reads it (`events` of the result is empty): scalars-only
   * records come as their values, without an event object each, so a scan of many files leaves little garbage.
   */
  pollInto(sink: EventSink): Promise<PollResult> {
    const result = this.queue.then(() => this.pollOnce(sink));
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

  private async pollOnce(sink?: EventSink): Promise<PollResult> {
    const damageBefore = this.allDamage.length;
    const events: DecodedEvent[] = [];
    let restarted = false;
    let buffers: ChunkBuffer | undefined;
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events, damage: [], pendingBytes: 0, restarted, more: false };
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
      const buffer = takeBuffer(this.offset);
      buffers = buffer;
      const budget = this.options.maxBytesPerPoll ?? Infinity;
      const startedAt = this.offset;
      let more = false;
      while (!this.stream.scanner.stopped) {
        if (buffer.end - startedAt >= budget && buffer.end < size) {
          more = true;
          break;
        }
        const wanted = readSize();
        const at = buffer.prepare(this.stream.scanner.offset, wanted);
        const { bytesRead } = await handle.read(buffer.bytes, at, wanted, buffer.end);
        if (bytesRead === 0) break;
        buffer.commit(bytesRead);
        if (sink) this.stream.takeInto(buffer, sink);
        else for (const event of this.stream.take(buffer)) events.push(event);
      }
      const pendingBytes = this.stream.scanner.stopped || more ? 0 : Math.max(0, buffer.end - this.offset);
      return { events, damage: this.allDamage.slice(damageBefore), pendingBytes, restarted, more };
    } finally {
      if (buffers) giveBuffer(buffers);
      // Not awaited: the events decoded would live on through the close, long enough for the garbage collector to
      // move them to the old generation (a scan of 10k runs then grows the heap by hundreds of MiB of dead events).
      handle.close().catch(() => undefined);
    }
  }
}

/**
 * Read buffers are reused across polls and tails: a scan of 10k runs otherwise mallocs a fresh 64 KiB-1 MiB buffer
 * per poll, and those, freed between the long-lived point columns allocated meanwhile, fragment the process heap
 * (its RSS stays at the scan's high-water mark). Records handed out are copies, so nothing points into them.
 */
const pool: ChunkBuffer[] = [];
const POOL_SIZE = 8;
const MAX_POOLED_BYTES = 4 << 20;

function takeBuffer(offset: number): ChunkBuffer {
  const buffer = pool.pop() ?? new ChunkBuffer(0, offset);
  buffer.base = offset;
  buffer.length = 0;
  return buffer;
}

function giveBuffer(buffer: ChunkBuffer): void {
  if (pool.length < POOL_SIZE && buffer.bytes.length <= MAX_POOLED_BYTES) pool.push(buffer);
}
