/**
 * The JSON of whole scalar series (requests without `since`: a chart's first load), kept while the run is
 * unchanged: a run with 100k batch-level points makes megabytes of JSON that need not be built twice.
 * Least recently used entries go first beyond `maxBytes`.
 */
export class ScalarsJsonCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 2 ** 20) {}

  get(key: string, build: () => unknown): string {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const json = JSON.stringify(build(), (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value));
    if (json.length <= this.maxBytes) {
      this.entries.set(key, json);
      this.bytes += json.length;
      for (const [k, v] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= v.length;
      }
    }
    return json;
  }
}
