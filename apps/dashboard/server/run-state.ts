import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EventFileTail, listEventFiles, type Damage, type DecodedEvent } from '@cnnlab/tfevents';
import type { TagMetadata } from '@cnnlab/tfevents';
import { liveRunStatus, type RunReport, type TrainConfig } from '@cnnlab/trainer';
import { curveRoles, type Point } from './history.js';
import { PointColumn } from './point-column.js';
import type { CurveRoles, HParamValue, RunStatus } from './types.js';

export type { StoredPoint } from './point-column.js';

/** Cursors from an earlier server process (or an earlier reading of rewritten files) must not match. */
const INSTANCE = randomBytes(3).toString('hex');
let generations = 0;
const MAX_WARNINGS = 20;

interface JsonFile<T> {
  mtimeMs: number;
  size: number;
  value: T | null;
  error?: string;
}

export interface SessionInfo {
  hparams: Record<string, HParamValue>;
  groupName?: string;
  startTimeSecs?: number;
}

/**
 * Everything the dashboard knows about one run, kept up to date incrementally: one EventFileTail per event
 * file (each poll reads only the bytes appended since the last), report.json and config.json re-read only when
 * they change. Files that shrink or vanish (a resumed run prunes its events) start a new generation: the run
 * is read again from the start and clients holding an older cursor get everything afresh.
 */
export class RunState {
  readonly name: string;
  readonly dir: string;
  private tails = new Map<string, EventFileTail>();
  private tagMetadata: TagMetadata = new Map();
  private generation = '';
  private seq = 0;
  readonly series = new Map<string, PointColumn>();
  firstWallTime: number | null = null;
  lastWallTime: number | null = null;
  session: SessionInfo | null = null;
  sessionEnd: { status: string; endTimeSecs: number } | null = null;
  /** Metric tags the run's hparams experiment declares. */
  declaredMetrics: string[] = [];
  private damage: Damage[] = [];
  private pending = new Map<string, number>();
  /** Summaries read from each event file: a file with none is reported as empty. */
  private summariesIn = new Map<string, number>();
  private errors: string[] = [];
  private report: JsonFile<RunReport> | null = null;
  private config: JsonFile<TrainConfig | Record<string, unknown>> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private rolesCache: { seq: string; roles: CurveRoles } | null = null;
  /** Whether the run's files have been read at least once (a cold scan lists only those). */
  readOnce = false;

  constructor(name: string, dir: string) {
    this.name = name;
    this.dir = dir;
    this.reset();
  }

  get cursor(): string {
    return `${this.generation}.${this.seq}`;
  }

  /** Changes whenever anything the run's summary is made of changes: events, report.json, config.json, warnings. */
  get version(): string {
    const file = (f: JsonFile<unknown> | null) => (f ? `${f.mtimeMs}:${f.size}` : '-');
    return `${this.cursor}|${file(this.report)}|${file(this.config)}|${this.warnings.join('\n').length}`;
  }

  /** Whether damage was found in an event file (bad length or CRC, a truncated record). */
  get damaged(): boolean {
    return this.damage.length > 0 || [...this.pending.values()].some((bytes) => bytes > 0);
  }

  get eventFiles(): number {
    return this.tails.size;
  }

  /** Reads what is new in the run's files. Calls run one after another. */
  update(): Promise<void> {
    const result = this.queue.then(() => this.updateOnce());
    this.queue = result.catch(() => undefined);
    return result;
  }

  private reset(): void {
    this.generation = `${INSTANCE}${(++generations).toString(36)}`;
    this.seq = 0;
    this.tails.clear();
    this.tagMetadata = new Map();
    this.series.clear();
    this.firstWallTime = this.lastWallTime = null;
    this.session = this.sessionEnd = null;
    this.declaredMetrics = [];
    this.damage = [];
    this.pending.clear();
    this.summariesIn.clear();
    this.rolesCache = null;
  }

  private async updateOnce(): Promise<void> {
    this.errors = [];
    try {
      await Promise.all([this.readReport(), this.readConfig()]);
      // One retry: a file rewritten between two polls is read again from the start.
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await this.pollEvents()) return;
        this.reset();
      }
    } finally {
      this.readOnce = true;
    }
  }

  /** Polls every event file; false when a file shrank or vanished (the caller starts over). */
  private async pollEvents(): Promise<boolean> {
    let files: string[];
    try {
      files = await listEventFiles(this.dir);
    } catch (error) {
      this.errors.push(`Cannot list the run's files: ${(error as Error).message}`);
      return true;
    }
    const present = new Set(files);
    if ([...this.tails.keys()].some((f) => !present.has(f))) return false;
    for (const file of files) {
      if (!this.tails.has(file)) this.tails.set(file, new EventFileTail(file, { tagMetadata: this.tagMetadata }));
    }
    for (const file of [...this.tails.keys()].sort()) {
      let result;
      try {
        result = await this.tails.get(file)!.poll();
      } catch (error) {
        this.errors.push(`${basename(file)}: ${(error as Error).message}`);
        continue;
      }
      if (result.restarted) return false;
      for (const event of result.events) this.ingest(event);
      this.summariesIn.set(file, (this.summariesIn.get(file) ?? 0) + result.events.filter((e) => e.summary).length);
      for (const d of result.damage) if (this.damage.length < MAX_WARNINGS) this.damage.push({ ...d, file });
      this.pending.set(file, result.pendingBytes);
    }
    return true;
  }

  private ingest(event: DecodedEvent): void {
    // Wall times of summaries only: a writer stamps its file-version record when it opens the file.
    if (event.summary && Number.isFinite(event.wallTime) && event.wallTime > 0) {
      if (this.firstWallTime === null || event.wallTime < this.firstWallTime) this.firstWallTime = event.wallTime;
      if (this.lastWallTime === null || event.wallTime > this.lastWallTime) this.lastWallTime = event.wallTime;
    }
    for (const value of event.summary?.values ?? []) {
      if (value.kind === 'scalar') {
        let points = this.series.get(value.tag);
        if (!points) this.series.set(value.tag, (points = new PointColumn()));
        points.push({ step: event.step, wallTime: event.wallTime, value: value.value, seq: ++this.seq });
      } else if (value.kind === 'hparams') {
        const { sessionStartInfo, sessionEndInfo, experiment } = value.data;
        if (sessionStartInfo) {
          const hparams: Record<string, HParamValue> = {};
          for (const [k, v] of Object.entries(sessionStartInfo.hparams)) {
            hparams[k] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v);
          }
          this.session = { hparams, groupName: sessionStartInfo.groupName, startTimeSecs: sessionStartInfo.startTimeSecs };
          this.seq++;
        }
        if (sessionEndInfo) {
          this.sessionEnd = { status: sessionEndInfo.status, endTimeSecs: sessionEndInfo.endTimeSecs };
          this.seq++;
        }
        if (experiment) this.declaredMetrics = experiment.metricInfos.map((m) => m.name.tag).filter(Boolean);
      }
    }
  }

  private async readJson<T>(path: string, previous: JsonFile<T> | null): Promise<JsonFile<T> | null> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return null;
    }
    if (previous && previous.mtimeMs === info.mtimeMs && previous.size === info.size) return previous;
    try {
      return { mtimeMs: info.mtimeMs, size: info.size, value: JSON.parse(await readFile(path, 'utf8')) as T };
    } catch (error) {
      // Written atomically by cnnlab, but another tool may be mid-write: keep what was read before.
      return { mtimeMs: info.mtimeMs, size: info.size, value: previous?.value ?? null, error: `${basename(path)} is not valid JSON: ${(error as Error).message}` };
    }
  }

  private async readReport(): Promise<void> {
    this.report = await this.readJson(join(this.dir, 'report.json'), this.report);
  }

  private async readConfig(): Promise<void> {
    this.config = await this.readJson(join(this.dir, 'config.json'), this.config);
  }

  /** cnnlab's report.json, when this is a cnnlab run (it has a valid one). */
  get cnnlabReport(): RunReport | null {
    const r = this.report?.value;
    return r && typeof r === 'object' && Array.isArray(r.history) && typeof r.arch === 'string' ? r : null;
  }

  get configJson(): Record<string, unknown> | null {
    const c = this.config?.value;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : null;
  }

  get roles(): CurveRoles {
    if (this.rolesCache?.seq !== this.cursor) this.rolesCache = { seq: this.cursor, roles: curveRoles(this.series.keys()) };
    return this.rolesCache.roles;
  }

  /** Damage, unreadable files and half-written JSON, for humans. */
  get warnings(): string[] {
    const out = [...this.errors];
    for (const d of this.damage) out.push(`${d.file ? basename(d.file) : 'event file'}: ${d.kind} at byte ${d.offset}: ${d.message}`);
    for (const [file, bytes] of this.pending) {
      if (bytes > 0) out.push(`${basename(file)}: ${bytes} bytes after the last complete record (a record being written, or a truncated file)`);
    }
    for (const [file, n] of this.summariesIn) {
      if (n === 0 && !this.pending.get(file)) out.push(`${basename(file)}: empty event file (no summaries in it yet)`);
    }
    if (this.report?.error) out.push(this.report.error);
    if (this.config?.error) out.push(this.config.error);
    return out;
  }

  /** The run's status: cnnlab's report (a 'running' run whose trainer is gone is interrupted, as `cnnlab runs` says), else the hparams session end. */
  async status(): Promise<{ status: RunStatus; message?: string }> {
    const report = this.cnnlabReport;
    if (report) return liveRunStatus(this.dir, report);
    if (this.sessionEnd) {
      const map: Record<string, RunStatus> = { success: 'finished', failure: 'failed', running: 'interrupted' };
      return { status: map[this.sessionEnd.status] ?? 'unknown' };
    }
    // Another tool's run without a session end: live while it keeps writing.
    if (this.lastWallTime !== null && Date.now() / 1000 - this.lastWallTime < 120) return { status: 'running' };
    return { status: 'unknown' };
  }

  /** Points after `since` (a cursor of this generation), or all of them. */
  pointsSince(since: string | undefined, tags?: ReadonlySet<string>): { reset: boolean; series: Record<string, Point[]> } {
    let after = 0;
    let reset = true;
    if (since) {
      const dot = since.lastIndexOf('.');
      const n = Number(since.slice(dot + 1));
      if (dot > 0 && since.slice(0, dot) === this.generation && Number.isInteger(n) && n >= 0 && n <= this.seq) {
        after = n;
        reset = false;
      }
    }
    const series: Record<string, Point[]> = {};
    for (const [tag, points] of this.series) {
      if (tags && !tags.has(tag)) continue;
      // Points arrive in seq order: find the first new one from the end.
      let i = points.length;
      while (i > 0 && points.seqAt(i - 1) > after) i--;
      if (i < points.length || reset) series[tag] = points.slice(i);
    }
    return { reset, series };
  }
}
