import { join, relative, sep } from 'node:path';
import { diagnoseFit } from '@cnnlab/analysis/fit';
import { listRuns } from '@cnnlab/tfevents';
import { findRuns, fitOptionsOf, hparamsOf, IMAGES_PER_SECOND_STATISTIC, medianImagesPerSecond, type TrainConfig } from '@cnnlab/trainer/records';
import { historyFromSeries } from './history.js';
import { isLrFindRun, lrFindRecords } from './lr-find.js';
import { HttpError, logdirRoot, resolveRunPath } from './paths.js';
import { RunChanges } from './run-changes.js';
import { newestFirst } from './run-order.js';
import { RunState } from './run-state.js';
import { seedGroupOf } from './seed-group.js';
import type {
  DiagnosisResponse, EpochMetrics, FitDiagnosis, HParamsColumn, HParamsResponse, HParamValue, RunHParams, RunStatus, RunSummary, RunsResponse,
} from './types.js';

export interface RunStoreOptions {
  /** Minimum time between two scans of the logdir for new runs (default 1000 ms). */
  scanIntervalMs?: number;
  /** How long the first GET /api/runs waits for a cold scan before answering with the runs read so far (default 400 ms). */
  firstPageMs?: number;
  /** Runs a sweep pruned (run name → why): shown with status 'pruned'. */
  prunedTrials?: () => Promise<Map<string, string>>;
  /**
   * Scalar points kept in memory over all runs (default 1,000,000, about 30 MiB): beyond it the least recently
   * used runs keep only their summaries and are read again from disk when asked for their points.
   */
  residentPoints?: number;
}

const RESIDENT_POINTS = 1_000_000;
/** A run just handed to a request keeps its points this long, whatever other requests read meanwhile. */
const PIN_MS = 10_000;

/**
 * Runs read at once during a scan: reading a run decodes all its new events before they are kept as points, so
 * reading a thousand runs at once would hold every event of the logdir in memory at the same time.
 */
const SCAN_CONCURRENCY = 2;
/** Bytes of events a scan reads of one run before it reads the next (the rest comes at the end of the queue). */
const BYTES_PER_TURN = 64 * 1024;
/** How long the first GET /api/runs waits for a cold scan before answering with the runs read so far. */
const FIRST_PAGE_MS = 400;
/** How much longer it waits, when not one run is read yet, for the first (an empty first screen says nothing). */
const FIRST_RUN_MS = 5000;

async function eachLimited<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Jobs on items that keep coming (runs as a walk finds them), at most `limit` at once; `close()` says no more
 * will come, `done` resolves when every job has run.
 */
class JobPool<T> {
  private readonly items: T[] = [];
  private next = 0;
  private closed = false;
  private waiting: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(limit: number, private readonly job: (item: T) => Promise<void>) {
    this.done = Promise.all(Array.from({ length: limit }, () => this.worker())).then(() => undefined);
  }

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  private async worker(): Promise<void> {
    for (;;) {
      if (this.next < this.items.length) await this.job(this.items[this.next++]!);
      else if (this.closed) return;
      else await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
}

const iso = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000).toISOString() : null);

/** The runs under one logdir: found as TensorBoard finds them (any directory holding event files) plus cnnlab's run directories. */
export class RunStore {
  readonly logdir: string;
  private readonly runs = new Map<string, RunState>();
  private scanned = 0;
  /** How long the last scan took. */
  private scanMs = 0;
  private scanning: Promise<void> | null = null;
  /** When the first scan began: the first page is due FIRST_PAGE_MS after it, whenever it is asked for. */
  private firstScanStarted = 0;
  private scanWarnings: string[] = [];
  private readonly scanIntervalMs: number;
  private readonly summaries = new WeakMap<RunState, { version: string; status: RunStatus; message: string | undefined; summary: RunSummary }>();
  /** The whole list in order, as long as no summary changed. */
  private sorted: { version: string; count: number; runs: RunSummary[] } | null = null;
  /** The logdir's real path, or null while it does not exist. */
  private readonly rootPath: () => Promise<string | null>;

  private readonly prunedTrials: () => Promise<Map<string, string>>;
  private pruned = new Map<string, string>();
  private readonly firstPageMs: number;
  /** Runs holding their points, least recently used first: their points and until when they are pinned. */
  private readonly resident = new Map<RunState, { points: number; pinnedUntil: number }>();
  private residentTotal = 0;
  private readonly residentPoints: number;
  private readonly changes = new RunChanges();
  private readonly hparamsCache = new WeakMap<RunState, { key: string; hparams: RunHParams }>();

  constructor(logdir: string, options: RunStoreOptions = {}) {
    this.logdir = logdir;
    this.prunedTrials = options.prunedTrials ?? (async () => new Map());
    this.firstPageMs = options.firstPageMs ?? FIRST_PAGE_MS;
    this.scanIntervalMs = options.scanIntervalMs ?? 1000;
    this.residentPoints = options.residentPoints ?? RESIDENT_POINTS;
    this.rootPath = logdirRoot(logdir);
  }

  /** Marks a run as just used (kept resident the longest), pinned for `pinMs`, and evicts beyond the budget. */
  private touch(run: RunState, pinMs = 0): void {
    const before = this.resident.get(run);
    if (before) {
      this.resident.delete(run);
      this.residentTotal -= before.points;
    }
    if (!run.isLoaded) return;
    const points = run.pointCount;
    this.resident.set(run, { points, pinnedUntil: Math.max(before?.pinnedUntil ?? 0, Date.now() + pinMs) });
    this.residentTotal += points;
    if (this.residentTotal <= this.residentPoints) return;
    const now = Date.now();
    for (const [old, { points: n, pinnedUntil }] of this.resident) {
      if (this.residentTotal <= this.residentPoints) break;
      if (old === run || pinnedUntil > now) continue;
      old.evict();
      this.resident.delete(old);
      this.residentTotal -= n;
    }
  }

  private forget(run: RunState): void {
    const entry = this.resident.get(run);
    if (entry) this.residentTotal -= entry.points;
    this.resident.delete(run);
  }

  /** Reads a run's points again if they were evicted, and keeps them for a while. */
  private async load(run: RunState, pinMs: number): Promise<void> {
    await run.update({ load: true });
    this.touch(run, pinMs);
  }

  /** Finds new and removed runs and reads what is new in every run (at most once per scan interval). */
  scan(force = false): Promise<void> {
    if (this.scanning) return this.scanning;
    // A large logdir takes seconds to poll: scanning at most a fifth of the time leaves the file system to requests.
    const interval = this.scanIntervalMs === 0 ? 0 : Math.max(this.scanIntervalMs, 4 * this.scanMs);
    if (!force && Date.now() - this.scanned < interval) return Promise.resolve();
    const started = Date.now();
    if (this.scanned === 0 && this.firstScanStarted === 0) this.firstScanStarted = started;
    this.scanning = this.scanOnce().finally(() => {
      this.scanned = Date.now();
      this.scanMs = this.scanned - started;
      this.scanning = null;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const warnings: string[] = [];
    const root = await this.rootPath();
    if (!root) {
      this.scanWarnings = [`The log directory ${this.logdir} does not exist (yet): runs appear here once training writes them.`];
      this.runs.clear();
      return;
    }
    const names = new Set<string>();
    // Runs are read as the walk finds them: the first screen of a 10k-run logdir need not wait for the listing.
    const pool = new JobPool<RunState>(SCAN_CONCURRENCY, async (run) => {
      // A huge run is read in turns, behind the runs found after it: it does not hold up the first screen.
      const whole = await run.update({ maxBytes: BYTES_PER_TURN });
      if (!whole) pool.push(run);
      if (!run.isLoaded) return;
      // Summarised while its points are at hand, then they may go.
      await this.summary(run);
      this.touch(run);
    });
    const found = (name: string) => {
      if (names.has(name)) return;
      names.add(name);
      let run = this.runs.get(name);
      if (!run) this.runs.set(name, (run = new RunState(name, name === '.' ? root : join(root, ...name.split('/')))));
      pool.push(run);
    };
    try {
      await listRuns(root, { onRun: found });
    } catch (error) {
      warnings.push(`Could not scan ${this.logdir} for event files: ${(error as Error).message}`);
    }
    try {
      for (const run of findRuns(root)) found(run.name);
    } catch (error) {
      warnings.push(`Could not scan ${this.logdir} for cnnlab runs: ${(error as Error).message}`);
    }
    pool.close();
    for (const [name, run] of this.runs) {
      if (!names.has(name)) {
        this.runs.delete(name);
        this.forget(run);
        this.changes.noteRemoved(name);
      }
    }
    await pool.done;
    this.scanWarnings = warnings;
  }

  /** One run by its name from a request: validated (403 outside the logdir, 404 unknown) and up to date. */
  async get(name: string): Promise<RunState> {
    const root = await this.rootPath();
    if (!root) throw new HttpError(404, `Unknown run "${name}": the log directory does not exist`);
    const real = await resolveRunPath(root, name);
    const key = relative(root, real).split(sep).join('/') || '.';
    let run = this.runs.get(key);
    if (!run) {
      await this.scan(true);
      run = this.runs.get(key);
    }
    if (!run) throw new HttpError(404, `Unknown run "${name}": no event files or cnnlab run there`);
    await Promise.all([this.load(run, PIN_MS), this.refreshPruned()]);
    return run;
  }

  /**
   * Waits for the first scan; after it, a due scan runs in the background and the runs as last scanned are
   * served (a logdir of a thousand runs takes long to poll), unless scanIntervalMs is 0 (always fresh).
   */
  private async whenScanned(): Promise<void> {
    const due = this.scan();
    if (this.scanned === 0 || this.scanIntervalMs === 0) await due;
    else due.catch((error: unknown) => this.scanWarnings.push(`Could not rescan ${this.logdir}: ${(error as Error).message}`));
  }

  /** Every run, as last scanned. */
  async all(): Promise<RunState[]> {
    await Promise.all([this.whenScanned(), this.refreshPruned()]);
    return [...this.runs.values()];
  }

  /** A run's status: its own (interrupted when its trainer is gone), or 'pruned' when a sweep pruned it. */
  statusOf(run: RunState): { status: RunStatus; message?: string } {
    const own = run.status();
    const pruned = this.pruned.get(run.name);
    return pruned !== undefined && own.status !== 'running' ? { status: 'pruned', message: pruned } : own;
  }

  /** The run's summary when the one computed last is still right (nothing allocated: polls ask for 10k of them). */
  private cachedSummary(run: RunState): RunSummary | undefined {
    const cached = this.summaries.get(run);
    if (!cached) return undefined;
    const own = this.statusOf(run);
    return cached.version === run.version && cached.status === own.status && cached.message === own.message ? cached.summary : undefined;
  }

  private async refreshPruned(): Promise<void> {
    try {
      this.pruned = await this.prunedTrials();
    } catch (error) {
      this.scanWarnings.push(`Could not read the sweeps' pruned trials: ${(error as Error).message}`);
    }
  }

  /** summaryOf, computed again only when the run or its status changed. */
  private async summary(run: RunState): Promise<RunSummary> {
    const hit = this.cachedSummary(run);
    if (hit) return hit;
    if (!run.isLoaded) await this.load(run, PIN_MS);
    const own = this.statusOf(run);
    const version = run.version;
    const summary = await summaryOf(run, own);
    // An lr-find result's events come just before its lr-find.json: until that is read, ask again.
    if (summary.kind !== 'lr-find' || summary.lrFind) this.summaries.set(run, { version, status: own.status, message: own.message, summary });
    this.changes.noteSummary(run, `${version}|${own.status}|${own.message ?? ''}|${summary.lrFind ? 1 : 0}`);
    return summary;
  }

  /** Every run's summary, computing only those not cached. */
  private async summariesOf(runs: RunState[]): Promise<RunSummary[]> {
    const out = new Array<RunSummary>(runs.length);
    const misses: Promise<void>[] = [];
    runs.forEach((run, i) => {
      const hit = this.cachedSummary(run);
      if (hit) out[i] = hit;
      else misses.push(this.summary(run).then((summary) => void (out[i] = summary)));
    });
    await Promise.all(misses);
    return out;
  }

  /**
   * The runs, newest first (one page of them with offset/limit). During the first scan of a large logdir this
   * answers within FIRST_PAGE_MS with the runs read so far and `loading: true`, so a first screen comes at once.
   */
  async list(page: { offset?: number; limit?: number; since?: string } = {}): Promise<RunsResponse> {
    const pruned = this.refreshPruned();
    if (this.scanned === 0 && this.scanIntervalMs !== 0) {
      const scan = this.scan();
      let done = false;
      void scan.finally(() => (done = true)).catch(() => undefined);
      const due = this.firstScanStarted + this.firstPageMs;
      const giveUp = this.firstScanStarted + FIRST_RUN_MS;
      const wanted = page.limit === undefined ? Infinity : (page.offset ?? 0) + page.limit;
      for (;;) {
        if (done) break;
        const read = this.readCount();
        // A full page of runs read, or the first page due with something to show (an empty screen says nothing).
        if (read >= wanted || (Date.now() >= due && (read > 0 || Date.now() >= giveUp))) break;
        await new Promise<void>((resolve) => setTimeout(resolve, 25));
      }
    } else await this.whenScanned();
    await pruned;
    const loading = this.scanned === 0;
    // The version of the runs taken now: a run the scan finishes while this answer is built is not in it, so the
    // next delta, from this version, must bring it.
    const version = this.changes.version;
    const ready = [...this.runs.values()].filter((run) => !loading || run.readOnce);
    const total = loading ? this.runs.size : ready.length;
    const since = page.since === undefined ? null : this.changes.parse(page.since);
    if (since !== null) {
      // Every summary is brought up to date (a status may change with time alone), but only changes are sent.
      const summaries = await this.summariesOf(ready);
      const runs = summaries.filter((_, i) => this.changes.changedSince(ready[i]!, since));
      runs.sort(newestFirst);
      const removed = this.changes.removedSince(since);
      return { logdir: this.logdir, runs, warnings: this.scanWarnings, loading, total, offset: 0, delta: true, removed, version };
    }
    const summaries = await this.summariesOf(ready);
    if (this.sorted?.version !== this.changes.version || this.sorted.count !== summaries.length) {
      this.sorted = { version: this.changes.version, count: summaries.length, runs: summaries.sort(newestFirst) };
    }
    const runs = this.sorted.runs;
    const offset = page.offset ?? 0;
    const paged = offset > 0 || page.limit !== undefined ? runs.slice(offset, page.limit === undefined ? undefined : offset + page.limit) : runs;
    return { logdir: this.logdir, runs: paged, warnings: this.scanWarnings, loading, total, offset, delta: false, version };
  }

  private readCount(): number {
    let n = 0;
    for (const run of this.runs.values()) if (run.readOnce) n++;
    return n;
  }

  async hparams(): Promise<HParamsResponse> {
    await Promise.all([this.whenScanned(), this.refreshPruned()]);
    const runs: RunHParams[] = [];
    await eachLimited([...this.runs.values()], SCAN_CONCURRENCY, async (run) => {
      const own = this.statusOf(run);
      const key = `${run.version}|${own.status}`;
      let cached = this.hparamsCache.get(run);
      if (cached?.key !== key) {
        if (!run.isLoaded) await this.load(run, PIN_MS);
        cached = { key, hparams: await hparamsOfRun(run, own) };
        this.hparamsCache.set(run, cached);
      }
      runs.push(cached.hparams);
    });
    runs.sort((a, b) => a.run.localeCompare(b.run));
    const columns = new Map<string, HParamValue[]>();
    for (const run of runs) {
      for (const [k, v] of Object.entries(run.hparams)) {
        const values = columns.get(k) ?? [];
        if (!values.includes(v)) values.push(v);
        columns.set(k, values);
      }
    }
    const hparams: HParamsColumn[] = [...columns].map(([name, values]) => {
      const type = values.every((v) => typeof v === 'number') ? 'number' : values.every((v) => typeof v === 'boolean') ? 'boolean' : 'string';
      const sorted = [...values].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true })));
      return { name, type, values: sorted };
    });
    hparams.sort((a, b) => (a.name === 'arch' ? -1 : b.name === 'arch' ? 1 : a.name.localeCompare(b.name)));
    const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
    metrics.sort((a, b) => metricOrder(a) - metricOrder(b) || a.localeCompare(b));
    return { hparams, metrics, runs };
  }
}

const METRIC_ORDER = ['best_val_accuracy', 'best_val_loss', 'best_epoch', 'test_accuracy', 'final_train_loss', 'final_val_loss', 'final_train_accuracy', 'final_val_accuracy'];
const metricOrder = (name: string) => {
  const i = METRIC_ORDER.indexOf(name);
  return i === -1 ? METRIC_ORDER.length : i;
};

/**
 * Per-epoch metrics and fit diagnosis: cnnlab's report.json history, else the loss series of the event files (as `cnnlab diagnose`).
 * Diagnosed by @cnnlab/analysis with the run's own settings (its config's early-stopping patience and min-delta, as the trainer
 * does), so the dashboard and report.json say the same; `whatIfPatience` overrides the patience for the "what if" control.
 */
export function diagnosisOf(run: RunState, whatIfPatience?: number, runStatus?: RunStatus): DiagnosisResponse {
  const report = run.cnnlabReport;
  const config = run.configJson as { earlyStopping?: Partial<TrainConfig['earlyStopping']> } | null;
  const options = fitOptionsOf(config);
  const early = config?.earlyStopping;
  const settings: DiagnosisResponse['settings'] = {
    patience: whatIfPatience ?? options.patience!,
    minDelta: options.minDelta!,
    source: whatIfPatience !== undefined ? 'what-if' : early ? 'config' : 'default',
    earlyStopping: typeof early?.enabled === 'boolean' ? early.enabled : null,
  };
  const provisional = runStatus === 'running' || (runStatus === 'interrupted' && !reachedPlan(run));
  const base = { run: run.name, warnings: run.warnings, settings, ...(runStatus ? { runStatus, provisional } : {}) };
  let history: EpochMetrics[];
  let source: DiagnosisResponse['source'];
  if (report) {
    history = report.history.map(({ epoch, trainLoss, trainAcc, valLoss, valAcc }) => ({ epoch, trainLoss, trainAcc, valLoss, valAcc }));
    source = 'report';
    // No verdict above a chart that cannot draw the curves it is about.
    const valPoints = run.roles.valLoss ? run.series.get(run.roles.valLoss)?.length ?? 0 : 0;
    if (history.length > 0 && valPoints === 0 && run.eventFiles > 0) {
      const why = run.damaged ? 'its event files are damaged' : 'its event files hold no validation-loss points';
      return {
        ...base, source, history, diagnosis: null,
        message: `No diagnosis shown: ${why} (see the warnings), so the curves cannot be drawn. report.json's best epoch is ${report.bestEpoch ?? '–'}.`,
      };
    }
  } else {
    const roles = run.roles;
    if (!roles.valLoss || !roles.trainLoss) {
      return {
        ...base, source: null, history: [], diagnosis: null,
        message: 'No training and validation loss series found (looked for train/loss and val/loss, Loss/train and Loss/val, loss and val_loss, or tags naming loss with train/val).',
      };
    }
    history = historyFromSeries(run.series, roles);
    source = 'events';
  }
  if (history.length === 0) return { ...base, source, history, diagnosis: null, message: 'No completed epoch yet.' };
  const diagnosis = diagnoseFit(history, { ...options, patience: settings.patience }) as FitDiagnosis;
  if (runStatus === 'interrupted' && provisional) diagnosis.verdict = `${interruptedPrefix(run, history.length)} ${diagnosis.verdict}`;
  return { ...base, source, history, diagnosis };
}

/** Whether a cnnlab run trained all its planned epochs (an interrupted run that did is not provisional). */
function reachedPlan(run: RunState): boolean {
  const report = run.cnnlabReport;
  return !!report && typeof report.epochsPlanned === 'number' && report.history.length >= report.epochsPlanned;
}

function interruptedPrefix(run: RunState, epochs: number): string {
  const planned = run.cnnlabReport?.epochsPlanned;
  return `Interrupted after epoch ${epochs}${typeof planned === 'number' ? ` of ${planned}` : ''}: this verdict is provisional (continue the run with cnnlab train --resume).`;
}

async function summaryOf(run: RunState, { status, message }: { status: RunStatus; message?: string }): Promise<RunSummary> {
  const report = run.cnnlabReport;
  let lastStep: number | null = null;
  for (const points of run.series.values()) {
    const max = points.maxStep();
    if (max !== null && (lastStep === null || max > lastStep)) lastStep = max;
  }
  const common = {
    name: run.name,
    status,
    ...(message ? { statusMessage: message } : {}),
    tags: [...run.series.keys()].sort(),
    lastStep,
    lastWallTime: run.lastWallTime,
    eventFiles: run.eventFiles,
    cursor: run.cursor,
    roles: run.roles,
    warnings: run.warnings,
    seedGroup: seedGroupOf(run.configJson),
    imagesPerSecondStatistic: IMAGES_PER_SECOND_STATISTIC,
  };
  if (isLrFindRun(run)) return lrFindRecords.summary(run, common);
  const d = diagnosisOf(run, undefined, status);
  const fit = d.diagnosis ? { status: d.diagnosis.status, verdict: d.diagnosis.verdict, provisional: d.provisional ?? false } : null;
  if (report) {
    return {
      ...common,
      fit,
      kind: 'cnnlab',
      arch: report.arch,
      epochs: report.history.length,
      epochsPlanned: report.epochsPlanned ?? null,
      bestEpoch: report.bestEpoch ?? null,
      bestValAcc: report.bestValAcc ?? null,
      bestValLoss: report.bestValLoss ?? null,
      testAcc: report.test?.accuracy ?? null,
      split: report.dataset?.split ?? 'seeded',
      params: report.params?.trainable ?? null,
      imagesPerSecond: medianImagesPerSecond(report.history),
      startedAt: report.startedAt ?? iso(run.firstWallTime),
    };
  }
  const best = d.history.find((e) => e.epoch === d.diagnosis?.bestEpoch);
  const arch = run.session?.hparams.arch ?? run.session?.hparams.model ?? run.session?.groupName ?? null;
  return {
    ...common,
    kind: 'tensorboard',
    fit,
    arch: arch === null ? null : String(arch),
    epochs: d.history.length || null,
    epochsPlanned: null,
    bestEpoch: d.diagnosis?.bestEpoch ?? null,
    bestValAcc: best?.valAcc ?? null,
    bestValLoss: d.diagnosis?.bestValLoss ?? null,
    testAcc: null,
    split: null,
    params: null,
    imagesPerSecond: null,
    startedAt: iso(run.session?.startTimeSecs ?? run.firstWallTime),
  };
}

/** Primitive leaves of a JSON object as dotted names ("optimizer.momentum"); arrays of primitives joined with 'x'. */
function flatten(value: unknown, prefix = '', out: Record<string, HParamValue> = {}): Record<string, HParamValue> {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') out[prefix] = value;
  else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number' || typeof v === 'string')) out[prefix] = value.join('x');
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** cnnlab's hyper-parameters of a run's config.json, or null when it is not a cnnlab config. */
function finalHParams(config: Record<string, unknown> | null): Record<string, HParamValue> | null {
  if (!config) return null;
  try {
    return hparamsOf(config as unknown as TrainConfig);
  } catch {
    return null;
  }
}

/** A run's hyper-parameters (hparams plugin session start, with cnnlab's config.json's final values over it; else config.json) and its final metrics. */
export async function hparamsOfRun(run: RunState, known?: { status: RunStatus }): Promise<RunHParams> {
  const { status } = known ?? run.status();
  const report = run.cnnlabReport;
  let source: RunHParams['source'] = null;
  let hparams: Record<string, HParamValue> = {};
  // A resumed run (a promoted sweep trial) logs no new session start: its config.json holds the final values.
  const finalConfig = finalHParams(run.configJson);
  if (run.session) {
    source = 'events';
    hparams = { ...run.session.hparams, ...finalConfig };
  } else if (run.configJson) {
    source = 'config';
    hparams = finalConfig ?? flatten(run.configJson);
  }
  const metrics: Record<string, number | null> = {};
  const d = diagnosisOf(run);
  const last = d.history.at(-1);
  if (report) {
    metrics.best_val_accuracy = report.bestValAcc ?? null;
    metrics.best_val_loss = report.bestValLoss ?? null;
    metrics.best_epoch = report.bestEpoch ?? null;
    metrics.test_accuracy = report.test?.accuracy ?? null;
  } else if (d.diagnosis) {
    const best = d.history.find((e) => e.epoch === d.diagnosis!.bestEpoch);
    metrics.best_val_accuracy = best?.valAcc ?? null;
    metrics.best_val_loss = d.diagnosis.bestValLoss;
    metrics.best_epoch = d.diagnosis.bestEpoch;
  }
  if (last) {
    metrics.final_train_loss = last.trainLoss;
    metrics.final_val_loss = last.valLoss;
    if (last.trainAcc !== undefined) metrics.final_train_accuracy = last.trainAcc;
    if (last.valAcc !== undefined) metrics.final_val_accuracy = last.valAcc;
  }
  // Metrics an hparams experiment declares, by their last value (TensorBoard's HParams plugin does the same).
  const roleTags = new Set(Object.values(run.roles));
  for (const tag of run.declaredMetrics) {
    if (roleTags.has(tag)) continue;
    const points = run.series.get(tag);
    if (points?.length) metrics[tag] = points.at(-1)!.value;
  }
  for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number' && !Number.isFinite(v)) metrics[k] = null;
  return { run: run.name, arch: report?.arch ?? (typeof hparams.arch === 'string' ? hparams.arch : null), status, source, hparams, metrics };
}
