import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync, fstatSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The decoded-folder cache: uint8 HWC images, streamed to disk while they are
 * decoded and read back by position, so a data set larger than memory works.
 *
 * Layout (little-endian):
 *   0  "CNNLABFC"  8 bytes magic
 *   8  u32 format version (1)
 *   12 u32 count, 16 u32 side, 20 u32 channels, 24 u32 metadata bytes
 *   28 32 bytes source key (sha256 of the file list with sizes and mtimes, side, channels)
 *   64 images (count·side·side·channels), then labels (count), then metadata JSON
 */
export const FOLDER_CACHE_MAGIC = 'CNNLABFC';
export const FOLDER_CACHE_VERSION = 1;
export const FOLDER_CACHE_HEADER_BYTES = 64;

export interface FolderCacheMeta {
  classes: string[];
  /** Relative path of each cached image, in cache order. */
  files: string[];
  /** The split folder of each cached image ('' in a flat layout). */
  splits: string[];
  /** Files that could not be decoded or are not images, and empty classes. */
  bad: { path: string; reason: string }[];
}

export interface FolderCacheHeader {
  count: number;
  side: number;
  channels: number;
  sourceKey: Buffer;
}

function fsyncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
}

/**
 * Writes the cache as core's writeFileAtomic does (temporary sibling, fsync,
 * rename, fsync the folder), but streamed: images are appended one at a time,
 * so a crash leaves the old cache or none, never a torn one.
 */
export class FolderCacheWriter {
  readonly temp: string;
  private readonly fd: number;
  private count = 0;
  private readonly labels: number[] = [];
  private readonly imageBytes: number;

  constructor(readonly file: string, private readonly side: number, private readonly channels: number, private readonly sourceKey: Uint8Array) {
    this.temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
    this.fd = openSync(this.temp, 'w');
    this.imageBytes = side * side * channels;
  }

  append(image: Uint8Array, label: number): void {
    if (image.length !== this.imageBytes) throw new Error(`folder cache: image of ${image.length} bytes; expected ${this.imageBytes}`);
    writeAll(this.fd, image, FOLDER_CACHE_HEADER_BYTES + this.count * this.imageBytes);
    this.labels.push(label);
    this.count++;
  }

  finish(meta: FolderCacheMeta): void {
    try {
      const metaBytes = Buffer.from(JSON.stringify(meta));
      const labelsAt = FOLDER_CACHE_HEADER_BYTES + this.count * this.imageBytes;
      writeAll(this.fd, Uint8Array.from(this.labels), labelsAt);
      writeAll(this.fd, metaBytes, labelsAt + this.count);
      const header = Buffer.alloc(FOLDER_CACHE_HEADER_BYTES);
      header.write(FOLDER_CACHE_MAGIC, 0, 'latin1');
      header.writeUInt32LE(FOLDER_CACHE_VERSION, 8);
      header.writeUInt32LE(this.count, 12);
      header.writeUInt32LE(this.side, 16);
      header.writeUInt32LE(this.channels, 20);
      header.writeUInt32LE(metaBytes.length, 24);
      Buffer.from(this.sourceKey).copy(header, 28);
      writeAll(this.fd, header, 0);
      fsyncSync(this.fd);
    } catch (error) {
      this.abort();
      throw error;
    }
    closeSync(this.fd);
    renameSync(this.temp, this.file);
    fsyncDirectory(dirname(this.file));
  }

  abort(): void {
    try { closeSync(this.fd); } catch { /* already closed */ }
    rmSync(this.temp, { force: true });
  }
}

/** An open cache file: header and metadata in memory, images read by position. */
export class FolderCacheReader {
  private constructor(
    private readonly fd: number,
    readonly header: FolderCacheHeader,
    readonly meta: FolderCacheMeta,
    readonly labels: Uint8Array,
  ) {}

  /** Opens and validates `file`; returns the reason when it is not a usable cache. */
  static open(file: string, expect: { sourceKey: Uint8Array; side: number; channels: number }): FolderCacheReader | { rejected: string } {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      return { rejected: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable (${(error as Error).message})` };
    }
    const reject = (reason: string): { rejected: string } => {
      closeSync(fd);
      return { rejected: reason };
    };
    const fileSize = fstatSync(fd).size;
    if (fileSize < FOLDER_CACHE_HEADER_BYTES) return reject(`${fileSize} bytes is shorter than the header`);
    const header = Buffer.alloc(FOLDER_CACHE_HEADER_BYTES);
    readSync(fd, header, 0, header.length, 0);
    if (header.toString('latin1', 0, 8) !== FOLDER_CACHE_MAGIC) return reject('bad magic');
    if (header.readUInt32LE(8) !== FOLDER_CACHE_VERSION) return reject(`format version ${header.readUInt32LE(8)}; expected ${FOLDER_CACHE_VERSION}`);
    const count = header.readUInt32LE(12);
    const side = header.readUInt32LE(16);
    const channels = header.readUInt32LE(20);
    const metaLength = header.readUInt32LE(24);
    const sourceKey = header.subarray(28, 60);
    if (side !== expect.side || channels !== expect.channels) return reject(`${side}×${side}×${channels} images; expected ${expect.side}×${expect.side}×${expect.channels}`);
    if (!sourceKey.equals(Buffer.from(expect.sourceKey))) return reject('the folder changed (files added, removed or modified) since it was built');
    const labelsAt = FOLDER_CACHE_HEADER_BYTES + count * side * side * channels;
    if (fileSize !== labelsAt + count + metaLength) return reject(`${fileSize} bytes; the header needs ${labelsAt + count + metaLength}`);
    const tail = Buffer.alloc(count + metaLength);
    readSync(fd, tail, 0, tail.length, labelsAt);
    let meta: FolderCacheMeta;
    try {
      meta = JSON.parse(tail.toString('utf8', count)) as FolderCacheMeta;
    } catch {
      return reject('metadata is not valid JSON');
    }
    if (meta.files?.length !== count) return reject('metadata does not list every image');
    const labels = new Uint8Array(tail.buffer, tail.byteOffset, count);
    return new FolderCacheReader(fd, { count, side, channels, sourceKey: Buffer.from(sourceKey) }, meta, labels);
  }

  get imageBytes(): number {
    return this.header.side * this.header.side * this.header.channels;
  }

  /** Copies the images at `indices` into `into`, back to back. */
  readImages(indices: ArrayLike<number>, into: Uint8Array): void {
    const n = this.imageBytes;
    if (into.length < indices.length * n) throw new Error(`folder cache: ${into.length} bytes cannot hold ${indices.length} images of ${n}`);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.header.count) throw new Error(`folder cache: image index ${i} is outside 0..${this.header.count - 1}`);
      readSync(this.fd, into, k * n, n, FOLDER_CACHE_HEADER_BYTES + i * n);
    }
  }

  /** All images in memory (for the in-memory Dataset). */
  readAll(): Uint8Array {
    const out = new Uint8Array(this.header.count * this.imageBytes);
    let done = 0;
    while (done < out.length) {
      const got = readSync(this.fd, out, done, Math.min(out.length - done, 1 << 30), FOLDER_CACHE_HEADER_BYTES + done);
      if (got === 0) throw new Error('folder cache: file ended early');
      done += got;
    }
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }
}
