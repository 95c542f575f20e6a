import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { flushOnExit, stopFlushingOnExit } from './exit-flush.js';
import { eventFileName, eventFileSeconds } from './file-name.js';
import { encodeEvent, FILE_VERSION, type Event } from './proto/event.js';
import { encodeRecord } from './record.js';

export interface EventFileWriterOptions {
  /** Interval of the background flush in ms (default 2000); 0 turns it off. The timer never keeps the process alive. */
  flushIntervalMs?: number;
  /** Queued bytes above which a write flushes at once (default 1 MiB). */
  maxQueueBytes?: number;
  /** Appended to the file name, as TensorFlow's `filename_suffix`. */
  filenameSuffix?: string;
  /** Flush synchronously when the process exits (default true). */
  flushOnExit?: boolean;
  /** Receives errors of background flushes (timer, exit); defaults to a process warning. Queued data is kept for the next flush. */
  onError?: (error: Error) => void;
}

const DEFAULT_FLUSH_INTERVAL_MS = 2000;
const DEFAULT_MAX_QUEUE_BYTES = 1 << 20;
const MAX_NAME_ATTEMPTS = 100;

/**
 * Appends framed events to a new event file. Records are queued in memory and written with
 * synchronous appends by `flush()` — explicitly, from a timer, when the queue grows, on close and at exit.
 */
export class EventFileWriter {
  readonly logdir: string;
  readonly path: string;
  private fd: number | undefined;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private readonly maxQueueBytes: number;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onError: (error: Error) => void;

  constructor(logdir: string, options: EventFileWriterOptions = {}) {
    this.logdir = logdir;
    this.maxQueueBytes = options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
    this.onError = options.onError ?? ((error) => process.emitWarning(error, { code: 'TFEVENTS_FLUSH_FAILED' }));
    mkdirSync(logdir, { recursive: true });
    const { path, fd } = createNewFile(logdir, options.filenameSuffix ?? '');
    this.path = path;
    this.fd = fd;

    try {
      this.writeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: FILE_VERSION });
      this.flush();
    } catch (error) {
      this.fd = undefined;
      closeSync(fd);
      throw error;
    }

    const interval = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (interval > 0 && Number.isFinite(interval)) {
      this.timer = setInterval(() => this.flushInBackground(), interval);
      this.timer.unref();
    }
    if (options.flushOnExit ?? true) flushOnExit(this);
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  /** Bytes queued and not yet written to the file. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  writeEvent(event: Event): void {
    this.assertOpen();
    this.writeRecord(encodeEvent(event));
  }

  /** Queues one record (its data: a serialized Event). */
  writeRecord(data: Uint8Array): void {
    this.assertOpen();
    const record = encodeRecord(data);
    this.queue.push(record);
    this.queuedBytes += record.length;
    if (this.queuedBytes >= this.maxQueueBytes) this.flush();
  }

  /** Writes every queued record and fsyncs the file. Whatever could not be written stays queued. */
  flush(): void {
    if (this.fd === undefined || this.queuedBytes === 0) return;
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    this.queue = [];
    this.queuedBytes = 0;
    let written = 0;
    try {
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    } finally {
      if (written < data.length) {
        const rest = data.subarray(written);
        this.queue.unshift(rest);
        this.queuedBytes += rest.length;
      }
    }
    fsyncSync(this.fd);
  }

  /** Flushes and closes the file. Later writes throw; closing again does nothing. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    try {
      this.flush();
    } finally {
      if (this.timer) clearInterval(this.timer);
      stopFlushingOnExit(this);
      this.fd = undefined;
      closeSync(fd);
    }
  }

  private flushInBackground(): void {
    try {
      this.flush();
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private assertOpen(): void {
    if (this.fd === undefined) throw new Error(`EventFileWriter is closed; cannot write to ${this.path}`);
  }
}

/**
 * Opens a new event file exclusively, so that two writers never share one (the counter moves on if a name exists).
 * Readers (TensorBoard and ours) take a run's files in name order and treat a step that goes back as a restart, so a
 * new file must sort after every file already there: a run resumed in the same second as its killed predecessor, by a
 * process whose pid sorts lower, would otherwise be read first and have its steps purged by the old file's.
 */
function createNewFile(logdir: string, suffix: string): { path: string; fd: number } {
  const latest = Math.max(-1, ...readdirSync(logdir).map((name) => eventFileSeconds(name) ?? -1));
  const time = Math.max(Math.floor(Date.now() / 1000), latest + 1);
  for (let attempt = 0; ; attempt++) {
    const path = join(logdir, eventFileName({ suffix, time }));
    try {
      return { path, fd: openSync(path, 'wx') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= MAX_NAME_ATTEMPTS) throw error;
    }
  }
}
