import { createHash } from 'node:crypto';

/**
 * The JSON of whole scalar series (requests without `since`: a chart's first load), kept while the run is
 * unchanged: a run with 100k batch-level points makes megabytes of JSON that need not be built twice.
 * Least recently used entries go first beyond `maxBytes`.
 */
export interface CachedJson {
  body: Buffer;
  /** A weak ETag naming the cache key, so that express need not hash megabytes. */
  etag: string;
}

export class ScalarsJsonCache {
  private readonly entries = new Map<string, CachedJson>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 2 ** 20) {}

  get(key: string, build: () => unknown): CachedJson {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const body = Buffer.from(JSON.stringify(build(), (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value)));
    const entry = { body, etag: `W/"${createHash('sha1').update(key).digest('base64url')}"` };
    if (body.length <= this.maxBytes) {
      this.entries.set(key, entry);
      this.bytes += body.length;
      for (const [k, v] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= v.body.length;
      }
    }
    return entry;
  }
}
