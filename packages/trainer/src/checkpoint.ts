import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core';

/**
 * A checkpoint file: magic, a JSON header (everything but tensors), the
 * tensors' float32 bytes, and a SHA-256 of all that. Files are written
 * atomically; a file whose digest does not match (a torn or damaged write) is
 * ignored and the previous valid checkpoint is used.
 */
const MAGIC = Buffer.from('CNNLABCK');
const VERSION = 1;

export interface TensorEntry {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface CheckpointFile<S> {
  state: S;
  tensors: TensorEntry[];
}

export function encodeCheckpoint<S>(state: S, tensors: TensorEntry[]): Buffer {
  let offset = 0;
  const layout = tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.values.length };
    offset += t.values.length * 4;
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ version: VERSION, state, tensors: layout }));
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(VERSION, 0);
  fixed.writeUInt32LE(header.length, 4);
  const data = Buffer.alloc(offset);
  for (let i = 0; i < tensors.length; i++) {
    const v = tensors[i]!.values;
    Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(data, layout[i]!.offset);
  }
  const body = Buffer.concat([MAGIC, fixed, header, data]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function decodeCheckpoint<S>(bytes: Buffer, source = 'checkpoint'): CheckpointFile<S> {
  if (bytes.length < MAGIC.length + 8 + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CheckpointError(`${source} is not a cnnlab checkpoint (bad magic or too short: ${bytes.length} bytes)`);
  }
  const body = bytes.subarray(0, bytes.length - 32);
  const digest = bytes.subarray(bytes.length - 32);
  if (!createHash('sha256').update(body).digest().equals(digest)) {
    throw new CheckpointError(`${source} is damaged or incomplete (checksum mismatch)`);
  }
  const version = body.readUInt32LE(MAGIC.length);
  if (version !== VERSION) throw new CheckpointError(`${source} has format version ${version}; this cnnlab reads version ${VERSION}`);
  const headerLength = body.readUInt32LE(MAGIC.length + 4);
  const headerStart = MAGIC.length + 8;
  const header = JSON.parse(body.subarray(headerStart, headerStart + headerLength).toString('utf8')) as {
    state: S;
    tensors: { name: string; shape: number[]; offset: number; length: number }[];
  };
  const dataStart = headerStart + headerLength;
  const tensors = header.tensors.map((t) => {
    const values = new Float32Array(t.length);
    const from = body.subarray(dataStart + t.offset, dataStart + t.offset + t.length * 4);
    new Uint8Array(values.buffer).set(from);
    return { name: t.name, shape: t.shape, values };
  });
  return { state: header.state, tensors };
}

const periodicName = (epoch: number) => `epoch-${String(epoch).padStart(4, '0')}.ckpt`;

/** The checkpoints of one run: latest (every save), best, and periodic ones with retention. */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  private path(name: string): string {
    return join(this.dir, name);
  }

  save(name: 'latest' | 'best' | { epoch: number }, bytes: Buffer): string {
    mkdirSync(this.dir, { recursive: true });
    const file = typeof name === 'string' ? `${name}.ckpt` : periodicName(name.epoch);
    writeFileAtomic(this.path(file), bytes);
    return this.path(file);
  }

  /** Keeps the newest `keep` periodic checkpoints (latest and best are never removed). */
  prune(keep: number): string[] {
    const periodic = this.periodic();
    const removed = periodic.slice(0, Math.max(0, periodic.length - keep));
    for (const file of removed) rmSync(this.path(file), { force: true });
    return removed;
  }

  periodic(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => /^epoch-\d+\.ckpt$/.test(f)).sort();
  }

  read<S>(file: string): CheckpointFile<S> {
    return decodeCheckpoint<S>(readFileSync(this.path(file)), this.path(file));
  }

  /**
   * The newest readable checkpoint: latest, else the newest valid periodic one
   * (a crash during a write leaves the previous file intact; a damaged file is skipped).
   */
  loadNewest<S>(isNewer: (a: S, b: S) => boolean): { file: string; checkpoint: CheckpointFile<S>; skipped: string[] } | null {
    const skipped: string[] = [];
    let best: { file: string; checkpoint: CheckpointFile<S> } | null = null;
    for (const file of ['latest.ckpt', ...this.periodic().reverse()]) {
      if (!existsSync(this.path(file))) continue;
      try {
        const checkpoint = this.read<S>(file);
        if (!best || isNewer(checkpoint.state, best.checkpoint.state)) best = { file, checkpoint };
      } catch (error) {
        skipped.push(`${file}: ${(error as Error).message}`);
      }
    }
    return best ? { ...best, skipped } : null;
  }

  loadBest<S>(): CheckpointFile<S> | null {
    return existsSync(this.path('best.ckpt')) ? this.read<S>('best.ckpt') : null;
  }
}
