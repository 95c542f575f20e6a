import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Damage } from './damage.js';
import type { DecodedEvent } from './decoded-event.js';
import { ChunkBuffer, EventStream, type EventStreamOptions } from './event-stream.js';

export interface ReadOptions extends EventStreamOptions {
  /** Bytes per read (default 1 MiB). The buffer grows beyond it only for a record larger than a chunk. */
  chunkSize?: number;
}

export interface ReadResult {
  events: DecodedEvent[];
  damage: Damage[];
}

const DEFAULT_CHUNK_SIZE = 1 << 20;

function chunkSizeOf(options: ReadOptions): number {
  const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunkSize must be a positive integer, got ${size}`);
  return size;
}

/**
 * Streams the events of one event file, reading it in chunks. Damage (a truncated end, CRC failures,
 * undecodable records) goes to `options.onDamage`; with `onCorrupt: 'stop'` reading ends at the first corrupt record.
 */
export async function* readEventFile(path: string, options: ReadOptions = {}): AsyncGenerator<DecodedEvent, void, undefined> {
  const chunkSize = chunkSizeOf(options);
  const stream = new EventStream(path, options);
  const buffer = new ChunkBuffer(chunkSize, stream.scanner.offset);
  const handle = await open(path, 'r');
  try {
    while (!stream.scanner.stopped) {
      const at = buffer.prepare(stream.scanner.offset, chunkSize);
      const { bytesRead } = await handle.read(buffer.bytes, at, chunkSize, buffer.end);
      if (bytesRead === 0) break;
      buffer.commit(bytesRead);
      yield* stream.take(buffer);
    }
    stream.finish(buffer.end);
  } finally {
    await handle.close();
  }
}

/** Reads a whole event file into memory (in chunks): its events and the damage found. */
export async function readEvents(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const damage: Damage[] = [];
  const events: DecodedEvent[] = [];
  const onDamage = (d: Damage) => {
    damage.push(d);
    options.onDamage?.(d);
  };
  for await (const event of readEventFile(path, { ...options, onDamage })) events.push(event);
  return { events, damage };
}

/** `readEvents` with synchronous file access, for scripts and exit handlers. */
export function readEventFileSync(path: string, options: ReadOptions = {}): ReadResult {
  const chunkSize = chunkSizeOf(options);
  const stream = new EventStream(path, options);
  const buffer = new ChunkBuffer(chunkSize, stream.scanner.offset);
  const events: DecodedEvent[] = [];
  const fd = openSync(path, 'r');
  try {
    while (!stream.scanner.stopped) {
      const at = buffer.prepare(stream.scanner.offset, chunkSize);
      const bytesRead = readSync(fd, buffer.bytes, at, chunkSize, buffer.end);
      if (bytesRead === 0) break;
      buffer.commit(bytesRead);
      for (const event of stream.take(buffer)) events.push(event);
    }
    stream.finish(buffer.end);
  } finally {
    closeSync(fd);
  }
  return { events, damage: stream.damage };
}
