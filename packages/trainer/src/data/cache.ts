import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core';

/**
 * A compact binary cache for in-memory data sets (so that e.g. the 150 MB of
 * Fashion-MNIST JSON is parsed once, not per run).
 *
 * Layout (little-endian), 96-byte header then payload:
 *   0  "CNNLABDS"            8 bytes magic
 *   8  u32 format version    (1)
 *   12 u32 count, 16 u32 height, 20 u32 width, 24 u32 channels, 28 u32 number of classes
 *   32 32 bytes source key   (sha256 of a description of what the cache was built from)
 *   64 32 bytes sha256 of the payload
 *   96 images (count·h·w·c uint8, HWC) then labels (count uint8)
 */
export const CACHE_MAGIC = 'CNNLABDS';
export const CACHE_VERSION = 1;
export const CACHE_HEADER_BYTES = 96;

export interface CachedArrays {
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export type CacheLog = (message: string) => void;

/**
 * The folder caches go to: `$CNNLAB_CACHE_DIR`, else `node_modules/.cache/cnnlab`
 * under the npm workspace root found above `from` (default: the current
 * directory), else under the nearest folder above it holding node_modules,
 * else under `from` itself.
 */
export function defaultCacheDir(from: string = process.cwd()): string {
  const env = process.env.CNNLAB_CACHE_DIR;
  if (env && env.trim() !== '') return resolve(env);
  const start = resolve(from);
  let nearestWithModules: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
        if (json.workspaces !== undefined) return join(dir, 'node_modules', '.cache', 'cnnlab');
      } catch {
        // An unreadable package.json is not a workspace root; keep looking.
      }
    }
    if (nearestWithModules === undefined && existsSync(join(dir, 'node_modules'))) nearestWithModules = dir;
    if (dirname(dir) === dir) break;
  }
  return join(nearestWithModules ?? start, 'node_modules', '.cache', 'cnnlab');
}

export function sha256(...chunks: (Uint8Array | string)[]): Buffer {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest();
}

/** Serialises data into the cache layout. */
export function encodeCache(data: CachedArrays, sourceKey: Uint8Array): Uint8Array {
  const { count, height, width, channels, numClasses, images, labels } = data;
  const pixels = count * height * width * channels;
  if (images.length !== pixels) throw new Error(`cache: ${images.length} image bytes; expected ${count}·${height}·${width}·${channels} = ${pixels}`);
  if (labels.length !== count) throw new Error(`cache: ${labels.length} labels; expected ${count}`);
  if (sourceKey.length !== 32) throw new Error('cache: source key must be 32 bytes');
  const out = new Uint8Array(CACHE_HEADER_BYTES + pixels + count);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(CACHE_MAGIC, 'latin1'), 0);
  view.setUint32(8, CACHE_VERSION, true);
  view.setUint32(12, count, true);
  view.setUint32(16, height, true);
  view.setUint32(20, width, true);
  view.setUint32(24, channels, true);
  view.setUint32(28, numClasses, true);
  out.set(sourceKey, 32);
  out.set(images, CACHE_HEADER_BYTES);
  out.set(labels, CACHE_HEADER_BYTES + pixels);
  out.set(sha256(out.subarray(CACHE_HEADER_BYTES)), 64);
  return out;
}

export type DecodeResult = { ok: true; data: CachedArrays } | { ok: false; reason: string };

/**
 * Parses and validates a cache file's bytes: size, magic, version, the
 * expected dimensions, the source key and the payload checksum. The arrays
 * returned are views into `bytes`.
 */
export function decodeCache(
  bytes: Uint8Array,
  expect: { sourceKey?: Uint8Array; height?: number; width?: number; channels?: number } = {},
): DecodeResult {
  if (bytes.length < CACHE_HEADER_BYTES) return { ok: false, reason: `${bytes.length} bytes is shorter than the ${CACHE_HEADER_BYTES}-byte header` };
  const magic = Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1');
  if (magic !== CACHE_MAGIC) return { ok: false, reason: `magic ${JSON.stringify(magic)}; expected ${JSON.stringify(CACHE_MAGIC)}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, CACHE_HEADER_BYTES);
  const version = view.getUint32(8, true);
  if (version !== CACHE_VERSION) return { ok: false, reason: `format version ${version}; expected ${CACHE_VERSION}` };
  const count = view.getUint32(12, true);
  const height = view.getUint32(16, true);
  const width = view.getUint32(20, true);
  const channels = view.getUint32(24, true);
  const numClasses = view.getUint32(28, true);
  for (const [key, value] of [['height', height], ['width', width], ['channels', channels]] as const) {
    const want = expect[key];
    if (want !== undefined && want !== value) return { ok: false, reason: `${key} ${value}; expected ${want}` };
  }
  const pixels = count * height * width * channels;
  const size = CACHE_HEADER_BYTES + pixels + count;
  if (bytes.length !== size) return { ok: false, reason: `${bytes.length} bytes; the header (${count} images of ${height}×${width}×${channels}) needs ${size}` };
  if (expect.sourceKey && Buffer.compare(Buffer.from(expect.sourceKey), Buffer.from(bytes.buffer, bytes.byteOffset + 32, 32)) !== 0) {
    return { ok: false, reason: 'it was built from a different source (package version or files changed)' };
  }
  const stored = Buffer.from(bytes.buffer, bytes.byteOffset + 64, 32);
  const actual = sha256(bytes.subarray(CACHE_HEADER_BYTES));
  if (Buffer.compare(stored, actual) !== 0) return { ok: false, reason: 'payload checksum mismatch (sha256)' };
  const images = new Uint8Array(bytes.buffer, bytes.byteOffset + CACHE_HEADER_BYTES, pixels);
  const labels = new Uint8Array(bytes.buffer, bytes.byteOffset + CACHE_HEADER_BYTES + pixels, count);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= numClasses) return { ok: false, reason: `label ${labels[i]} at ${i} is not below the ${numClasses} classes` };
  }
  return { ok: true, data: { count, height, width, channels, numClasses, images, labels } };
}

export interface CacheOutcome {
  data: CachedArrays;
  file: string;
  /** True when the cache was (re)built during this call. */
  built: boolean;
  /** Why an existing cache file was rejected, when it was. */
  rejected?: string;
}

/**
 * Returns the cached arrays in `file`, or builds them with `build()`, writes
 * the cache atomically (core's writeFileAtomic) and returns them. A cache
 * that fails validation is reported through `log` and rebuilt.
 */
export function loadOrBuildCache(
  file: string,
  options: { sourceKey: Uint8Array; label: string; expect?: { height?: number; width?: number; channels?: number }; log?: CacheLog },
  build: () => CachedArrays,
): CacheOutcome {
  const log = options.log ?? (() => {});
  let rejected: string | undefined;
  if (existsSync(file)) {
    let bytes: Uint8Array | undefined;
    try {
      if (statSync(file).isFile()) bytes = readFileSync(file);
      else rejected = 'it is not a regular file';
    } catch (error) {
      rejected = `unreadable (${error instanceof Error ? error.message : String(error)})`;
    }
    if (bytes) {
      const decoded = decodeCache(bytes, { ...options.expect, sourceKey: options.sourceKey });
      if (decoded.ok) return { data: decoded.data, file, built: false };
      rejected = decoded.reason;
    }
    log(`${options.label}: cache ${file} is invalid (${rejected}); rebuilding it`);
  } else {
    log(`${options.label}: building the cache ${file} (one time)`);
  }
  const data = build();
  const encoded = encodeCache(data, options.sourceKey);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, encoded);
  } catch (error) {
    // A read-only install still works, only slower: say so and go on without the cache.
    log(`${options.label}: could not write the cache ${file} (${error instanceof Error ? error.message : String(error)}); set CNNLAB_CACHE_DIR to a writable folder`);
  }
  const result: CacheOutcome = { data, file, built: true };
  if (rejected !== undefined) result.rejected = rejected;
  return result;
}
