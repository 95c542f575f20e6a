import { createHash } from 'node:crypto';
import { finiteOrNull } from './json-stream.js';

/**
 * The JSON of whole scalar series (requests without `since`: a chart's first load), kept while the run is
 * unchanged, so that the same downsampled answer is not built twice. An answer estimated above `maxEntryBytes`
 * (a run's 100k points at full resolution: megabytes) is not kept: it comes back as its value, to be streamed.
 * Least recently used entries go first beyond `maxBytes`.
 */
export interface CachedJson {
  body: Buffer;
  /** A weak ETag naming the cache key, so that express need not hash megabytes. */
  etag: string;
}

export interface UncachedJson {
  value: unknown;
  etag: string;
}

export class ScalarsJsonCache {
  private readonly entries = new Map<string, CachedJson>();
  private bytes = 0;

  constructor(private readonly maxBytes = 16 * 2 ** 20, private readonly maxEntryBytes = 2 ** 20) {}

  /** The cached answer for `key`, or `build()`'s: as JSON when its `estimate` (in bytes) fits an entry, else as it is. */
  get(key: string, build: () => unknown, estimate: (value: unknown) => number = () => 0): CachedJson | UncachedJson {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const etag = `W/"${createHash('sha1').update(key).digest('base64url')}"`;
    const value = build();
    if (estimate(value) > this.maxEntryBytes) return { value, etag };
    const entry = { body: Buffer.from(JSON.stringify(value, finiteOrNull)), etag };
    if (entry.body.length <= this.maxEntryBytes) {
      this.entries.set(key, entry);
      this.bytes += entry.body.length;
      for (const [k, v] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= v.body.length;
      }
    }
    return entry;
  }
}
