import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { basename, join } from 'node:path';
import { EventFileTail, listEventFiles, RestartRule, type Damage, type DecodedEvent, type EventSink } from '@cnnlab/tfevents';
import type { TagMetadata } from '@cnnlab/tfevents';
import { liveRunStatus, type RunReport, type TrainConfig } from '@cnnlab/trainer/records';
import { curveRoles, type Point } from './history.js';
import { PointColumn } from './point-column.js';
import type { CurveRoles, HParamValue, RunStatus } from './types.js';

export type { StoredPoint } from './point-column.js';

/** Cursors from an earlier server process (or an earlier reading of rewritten files) must not match. */
const INSTANCE = randomBytes(3).toString('hex');
let generations = 0;
const MAX_WARNINGS = 20;
/**
 * An event file is read this much at a time: a run of 100k points is decoded in parts, so a scan never holds
 * all its events at once and requests are answered between the parts.
 */
const BYTES_PER_READ = 64 * 1024;

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
  private restarts = new RestartRule();
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
  /**
   * False once evict() dropped the points (a logdir of 10k runs keeps only their summaries): the event files'
   * sizes then say whether anything changed, and load() reads them again from the start.
   */
  private loaded = true;
  private evictedSizes: Map<string, number> | null = null;
  /** While reading evicted files again: points up to this seq were seen before (no new generation for them). */
  private replayedSeq = 0;
  private versionMemo: string | null = null;

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
    // Only an update changes it: a poll of 10k quiet runs asks for it 10k times.
    if (this.versionMemo === null) {
      const file = (f: JsonFile<unknown> | null) => (f ? `${f.mtimeMs}:${f.size}` : '-');
      this.versionMemo = `${this.cursor}|${file(this.report)}|${file(this.config)}|${this.warnings.join('\n').length}`;
    }
    return this.versionMemo;
  }

  /** Whether damage was found in an event file (bad length or CRC, a truncated record). */
  get damaged(): boolean {
    return this.damage.length > 0 || [...this.pending.values()].some((bytes) => bytes > 0);
  }

  get eventFiles(): number {
    return this.tails.size;
  }

  /**
   * Reads what is new in the run's files. Calls run one after another. An evicted run is read again only when
   * its event files changed or `load` asks for its points. With `maxBytes`, stops after about that many bytes of
   * events and resolves false (call again for the rest): a scan reads a huge run in turns with the others.
   */
  update({ load = false, maxBytes = Infinity }: { load?: boolean; maxBytes?: number } = {}): Promise<boolean> {
    const result = this.queue.then(() => this.updateOnce(load, maxBytes));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Whether `series` holds the run's points (false after evict(), until the next load). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** The points held in memory. */
  get pointCount(): number {
    let n = 0;
    for (const points of this.series.values()) n += points.length;
    return n;
  }

  /**
   * Drops the points and the event file readers, keeping what the summary and status need (wall times, session,
   * warnings, report and config) and each file's size to tell a change.
   */
  evict(): void {
    if (!this.loaded) return;
    const sizes = new Map<string, number>();
    for (const [file, tail] of this.tails) sizes.set(file, tail.offset + (this.pending.get(file) ?? 0));
    this.evictedSizes = sizes;
    this.tails = new Map();
    this.series.clear();
    this.tagMetadata = new Map();
    this.restarts = new RestartRule();
    this.rolesCache = null;
    this.loaded = false;
  }

  private reset(replay?: { generation: string; seq: number }): void {
    this.generation = replay?.generation ?? `${INSTANCE}${(++generations).toString(36)}`;
    this.replayedSeq = replay?.seq ?? 0;
    this.seq = 0;
    this.tails.clear();
    this.tagMetadata = new Map();
    this.restarts = new RestartRule();
    this.series.clear();
    this.firstWallTime = this.lastWallTime = null;
    this.session = this.sessionEnd = null;
    this.declaredMetrics = [];
    this.damage = [];
    this.pending.clear();
    this.summariesIn.clear();
    this.rolesCache = null;
  }

  private async updateOnce(load: boolean, maxBytes: number): Promise<boolean> {
    const errorsBefore = this.errors;
    this.errors = [];
    try {
      await Promise.all([this.readReport(), this.readConfig()]);
      if (!this.loaded) {
        if (!load && (await this.unchangedSinceEvicted())) {
          this.errors = errorsBefore;
          return true;
        }
        const sizes = this.evictedSizes!;
        // Read again from the start, the same bytes in the same order give the same seqs: cursors held by clients
        // stay valid. Several files may have been read interleaved: then a new generation, everything afresh.
        this.reset(sizes.size <= 1 ? { generation: this.generation, seq: this.seq } : undefined);
        this.loaded = true;
        this.evictedSizes = null;
      }
      // One retry: a file rewritten between two polls is read again from the start.
      for (let attempt = 0; attempt < 2; attempt++) {
        const read = await this.pollEvents(maxBytes);
        if (read !== 'restart') return read === 'all';
        this.reset();
      }
      return true;
    } finally {
      this.readOnce = true;
      this.versionMemo = null;
    }
  }

  /** Whether an evicted run's event files are the ones it had, at the sizes they had. */
  private async unchangedSinceEvicted(): Promise<boolean> {
    let files: string[];
    try {
      files = await listEventFiles(this.dir);
    } catch {
      return false;
    }
    const sizes = this.evictedSizes!;
    if (files.length !== sizes.size) return false;
    for (const file of files) {
      const size = sizes.get(file);
      if (size === undefined) return false;
      try {
        if ((await stat(file)).size !== size) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  /**
   * Polls every event file, in name order: 'part' when it stopped after `maxBytes`, 'restart' when a file shrank
   * or vanished (the caller starts over).
   */
  private async pollEvents(maxBytes: number): Promise<'all' | 'part' | 'restart'> {
    let files: string[];
    try {
      files = await listEventFiles(this.dir);
    } catch (error) {
      this.errors.push(`Cannot list the run's files: ${(error as Error).message}`);
      return 'all';
    }
    const present = new Set(files);
    if ([...this.tails.keys()].some((f) => !present.has(f))) return 'restart';
    let bytes = 0;
    for (const file of files) {
      if (!this.tails.has(file)) {
        this.tails.set(file, new EventFileTail(file, { tagMetadata: this.tagMetadata, chunkSize: BYTES_PER_READ, maxBytesPerPoll: BYTES_PER_READ }));
      }
    }
    for (const file of [...this.tails.keys()].sort()) {
      const tail = this.tails.get(file)!;
      for (let part = 0, more = true; more; part++) {
        if (bytes >= maxBytes) return 'part';
        if (part > 0) await yieldToRequests();
        const from = tail.offset;
        let result;
        let summaries = 0;
        const sink: EventSink = {
          scalars: (step, wallTime, tags, values, count) => {
            summaries++;
            this.noteSummaryWallTime(wallTime);
            for (let i = 0; i < count; i++) this.pushScalar(tags[i]!, step, wallTime, values[i]!);
          },
          event: (event) => {
            if (event.summary) summaries++;
            this.ingest(event);
          },
        };
        try {
          result = await tail.pollInto(sink);
        } catch (error) {
          this.errors.push(`${basename(file)}: ${(error as Error).message}`);
          break;
        }
        if (result.restarted) return 'restart';
        more = result.more;
        bytes += tail.offset - from;
        this.summariesIn.set(file, (this.summariesIn.get(file) ?? 0) + summaries);
        for (const d of result.damage) if (this.damage.length < MAX_WARNINGS) this.damage.push({ ...d, file });
        this.pending.set(file, result.pendingBytes);
      }
    }
    return 'all';
  }

  private ingest(event: DecodedEvent): void {
    const restart = this.restarts.restartStep(event);
    if (restart !== undefined) this.purgeFrom(restart);
    // Wall times of summaries only: a writer stamps its file-version record when it opens the file.
    if (event.summary) this.noteSummaryWallTime(event.wallTime);
    for (const value of event.summary?.values ?? []) {
      if (value.kind === 'scalar') {
        this.pushScalar(value.tag, event.step, event.wallTime, value.value);
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

  private noteSummaryWallTime(wallTime: number): void {
    if (!Number.isFinite(wallTime) || wallTime <= 0) return;
    if (this.firstWallTime === null || wallTime < this.firstWallTime) this.firstWallTime = wallTime;
    if (this.lastWallTime === null || wallTime > this.lastWallTime) this.lastWallTime = wallTime;
  }

  private pushScalar(tag: string, step: number, wallTime: number, value: number): void {
    let points = this.series.get(tag);
    if (!points) this.series.set(tag, (points = new PointColumn()));
    points.pushPoint(step, wallTime, value, ++this.seq);
  }

  /**
   * A resumed run's restart record: the points it logged at or after `step` before the restart are orphans,
   * as TensorBoard drops them. Clients holding them get the run afresh (a new generation).
   */
  private purgeFrom(step: number): void {
    let dropped = 0;
    for (const [tag, points] of this.series) {
      dropped += points.dropFromStep(step);
      if (points.length === 0) this.series.delete(tag);
    }
    // A restart read again after evict() was seen before: the clients' cursors already count it.
    if (dropped > 0 && this.seq > this.replayedSeq) {
      this.generation = `${INSTANCE}${(++generations).toString(36)}`;
      this.rolesCache = null;
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
  status(): { status: RunStatus; message?: string } {
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
