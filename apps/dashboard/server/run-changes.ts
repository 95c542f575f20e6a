import { randomBytes } from 'node:crypto';

/** Removed runs remembered for incremental lists; a client further behind gets the whole list again. */
const MAX_REMOVED = 10_000;

/**
 * Versions of the run list, for `GET /api/runs?since=<version>`: which summaries changed and which runs went
 * since a version a client holds, so a poll of a quiet 10k-run logdir sends nothing instead of megabytes.
 */
export class RunChanges {
  /** Versions from an earlier server process must not match. */
  private readonly instance = randomBytes(3).toString('hex');
  private current = 0;
  private readonly summaries = new WeakMap<object, { key: string; at: number }>();
  private removed: { name: string; at: number }[] = [];
  /** Deltas from before this version cannot be told (removals forgotten). */
  private floor = 0;

  get version(): string {
    return `${this.instance}.${this.current}`;
  }

  /** Notes a run's summary as computed under `key`: a new key is a change. */
  noteSummary(run: object, key: string): void {
    const known = this.summaries.get(run);
    if (known?.key !== key) this.summaries.set(run, { key, at: ++this.current });
  }

  noteRemoved(name: string): void {
    this.removed.push({ name, at: ++this.current });
    if (this.removed.length > MAX_REMOVED) {
      const dropped = this.removed.splice(0, this.removed.length - MAX_REMOVED);
      this.floor = dropped.at(-1)!.at;
    }
  }

  /** The version number a client's `since` names, or null when it is another process's, unknown or too old. */
  parse(since: string): number | null {
    const dot = since.lastIndexOf('.');
    const n = Number(since.slice(dot + 1));
    if (dot <= 0 || since.slice(0, dot) !== this.instance || !Number.isInteger(n) || n < this.floor || n > this.current) return null;
    return n;
  }

  changedSince(run: object, version: number): boolean {
    return (this.summaries.get(run)?.at ?? Infinity) > version;
  }

  removedSince(version: number): string[] {
    const names: string[] = [];
    for (let i = this.removed.length - 1; i >= 0 && this.removed[i]!.at > version; i--) names.push(this.removed[i]!.name);
    return names;
  }
}
