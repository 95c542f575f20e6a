import { lstat, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readSearch, readSweep, SEARCH_FILE, SWEEP_FILE, type SearchState, type SweepState } from '@cnnlab/search/records';
import { HttpError, logdirRoot, resolveRunPath } from './paths.js';
import { searchDetail, searchShapeError, searchSummary } from './searches.js';
import { runName, sweepDetail, sweepShapeError, sweepSummary } from './sweeps.js';
import type { SearchesResponse, SearchResponse, SearchSummary, SweepResponse, SweepsResponse, SweepSummary } from './types.js';

/** Directories this deep below the logdir are not searched for sweep.json and search.json. */
const MAX_DEPTH = 8;

type Kind = 'sweep' | 'search';
const FILE: Record<Kind, string> = { sweep: SWEEP_FILE, search: SEARCH_FILE };
/** A study's file as messages name it: relative to the logdir. */
const fileName = (kind: Kind, name: string) => (name === '.' ? FILE[kind] : `${name}/${FILE[kind]}`);

interface Parsed<T> {
  mtimeMs: number;
  size: number;
  state: T | null;
  error: string | null;
}

/**
 * The sweeps (sweep.json) and design-space searches (search.json) under one logdir. Found by walking the logdir
 * (symlinks are not followed; sweep, search and run directories are not descended into), at most once per scan
 * interval; each file is parsed again only when it changes. A file that cannot be read is listed with a warning.
 */
export class StudyStore {
  private found: Record<Kind, string[]> = { sweep: [], search: [] };
  private scanned = 0;
  private scanning: Promise<void> | null = null;
  private readonly cache = new Map<string, Parsed<unknown>>();
  private readonly rootPath: () => Promise<string | null>;

  constructor(
    readonly logdir: string,
    private readonly scanIntervalMs = 1000,
  ) {
    this.rootPath = logdirRoot(logdir);
  }

  private scan(): Promise<void> {
    if (this.scanning) return this.scanning;
    if (Date.now() - this.scanned < this.scanIntervalMs) return Promise.resolve();
    this.scanning = this.walk().finally(() => {
      this.scanned = Date.now();
      this.scanning = null;
    });
    return this.scanning;
  }

  private async walk(): Promise<void> {
    const found: Record<Kind, string[]> = { sweep: [], search: [] };
    const root = await this.rootPath();
    const visit = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
      const name = relative(root!, dir).split(sep).join('/') || '.';
      if (files.has(SWEEP_FILE)) found.sweep.push(name);
      if (files.has(SEARCH_FILE)) found.search.push(name);
      // Trials, models and runs hold checkpoints, not studies.
      if (files.has(SWEEP_FILE) || files.has(SEARCH_FILE) || files.has('report.json') || depth >= MAX_DEPTH) return;
      const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules');
      await Promise.all(subdirs.map((e) => visit(join(dir, e.name), depth + 1)));
    };
    if (root) await visit(root, 0);
    for (const list of Object.values(found)) list.sort();
    this.found = found;
  }

  /** The sweep and search directories (relative to the logdir), for grouping runs. */
  async dirs(): Promise<{ sweeps: string[]; searches: string[] }> {
    await this.scan();
    return { sweeps: [...this.found.sweep], searches: [...this.found.search] };
  }

  /** The parsed file of a study directory (name relative to the logdir), re-read only when it changed. */
  private async read<T>(kind: Kind, name: string, dir: string): Promise<Parsed<T>> {
    const path = join(dir, FILE[kind]);
    const info = await stat(path);
    const cached = this.cache.get(path) as Parsed<T> | undefined;
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
    const parsed: Parsed<T> = { mtimeMs: info.mtimeMs, size: info.size, state: null, error: null };
    try {
      const state = (kind === 'sweep' ? readSweep(dir) : readSearch(dir)) as T;
      const problem = kind === 'sweep' ? sweepShapeError(state as SweepState) : searchShapeError(state as SearchState);
      if (problem) throw new Error(`not a ${kind} cnnlab can read: ${problem}`);
      parsed.state = state;
    } catch (error) {
      // Messages name the file relative to the logdir, not where the server's disk keeps it.
      const shown = fileName(kind, name);
      const message = (error as Error).message.split(path).join(shown);
      parsed.error = message.includes(shown) ? message : `${shown}: ${message}`;
    }
    this.cache.set(path, parsed);
    return parsed;
  }

  private async list<T, S extends { name: string; updatedAt: string | null; error?: string }>(
    kind: Kind, summarize: (name: string, state: T) => S, empty: (name: string, error: string) => S,
  ): Promise<{ items: S[]; warnings: string[] }> {
    await this.scan();
    const root = await this.rootPath();
    const warnings: string[] = [];
    const items: S[] = [];
    if (!root) return { items, warnings: [`The log directory ${this.logdir} does not exist (yet).`] };
    for (const name of this.found[kind]) {
      const dir = name === '.' ? root : join(root, ...name.split('/'));
      let parsed: Parsed<T>;
      try {
        parsed = await this.read<T>(kind, name, dir);
      } catch {
        continue; // removed since the scan
      }
      let error = parsed.error;
      if (parsed.state) {
        try {
          items.push(summarize(name, parsed.state));
          continue;
        } catch (e) {
          error = `${fileName(kind, name)}: not a ${kind} cnnlab can read: ${(e as Error).message}`;
        }
      }
      warnings.push(error!);
      items.push(empty(name, error!));
    }
    items.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') || a.name.localeCompare(b.name));
    return { items, warnings };
  }

  /** One study by its name from a request: validated like run names (403 outside the logdir, 404 unknown, 422 unreadable). */
  private async one<T, R>(kind: Kind, name: string, detail: (name: string, state: T) => R): Promise<R> {
    const root = await this.rootPath();
    if (!root) throw new HttpError(404, `Unknown ${kind} "${name}": the log directory does not exist`);
    const dir = await resolveRunPath(root, name, kind);
    const key = relative(root, dir).split(sep).join('/') || '.';
    const file = await lstat(join(dir, FILE[kind])).catch(() => null);
    if (!file?.isFile()) throw new HttpError(404, `Unknown ${kind} "${name}": no ${FILE[kind]} there`);
    const parsed = await this.read<T>(kind, key, dir);
    if (!parsed.state) throw new HttpError(422, parsed.error!);
    try {
      return detail(key, parsed.state);
    } catch (error) {
      throw new HttpError(422, `${fileName(kind, key)}: not a ${kind} cnnlab can read: ${(error as Error).message}`);
    }
  }

  /**
   * The runs of pruned sweep trials (run name relative to the logdir → why the sweep stopped them): their own
   * report.json says 'finished' or 'stopped-early', the sweep that stopped them says 'pruned'.
   */
  async prunedTrials(): Promise<Map<string, string>> {
    await this.scan();
    const root = await this.rootPath();
    const pruned = new Map<string, string>();
    if (!root) return pruned;
    for (const name of this.found.sweep) {
      const dir = name === '.' ? root : join(root, ...name.split('/'));
      const parsed = await this.read<SweepState>('sweep', name, dir).catch(() => null);
      for (const t of parsed?.state?.trials ?? []) {
        if (t.status !== 'pruned') continue;
        const why = t.stopped ? `Pruned by the sweep after epoch ${t.stopped.epoch}: ${t.stopped.reason}` : 'Pruned by the sweep';
        pruned.set(runName(name, t.dir ?? t.name), why);
      }
    }
    return pruned;
  }

  async sweeps(): Promise<SweepsResponse> {
    const { items, warnings } = await this.list<SweepState, SweepSummary>('sweep', sweepSummary, (name, error) => ({
      name, title: null, status: null, method: null, metric: null, pruning: null, trials: 0, byStatus: {}, best: null, testAccuracy: null, updatedAt: null, error,
    }));
    return { logdir: this.logdir, sweeps: items, warnings };
  }

  sweep(name: string): Promise<SweepResponse> {
    return this.one<SweepState, SweepResponse>('sweep', name, (key, state) => sweepDetail(key, state));
  }

  async searches(): Promise<SearchesResponse> {
    const { items, warnings } = await this.list<SearchState, SearchSummary>('search', searchSummary, (name, error) => ({
      name, status: null, spaces: [], samplesPerSpace: null, epochs: null, input: null, datasetLimit: null, models: 0, finished: 0, dominant: null, updatedAt: null, error,
    }));
    return { logdir: this.logdir, searches: items, warnings };
  }

  search(name: string): Promise<SearchResponse> {
    return this.one<SearchState, SearchResponse>('search', name, (key, state) => searchDetail(key, state));
  }
}
