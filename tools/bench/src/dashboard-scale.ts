/**
 * The dashboard at the scale of a real logdir: generates runs × epochs × tags of TensorBoard events (plus a few runs
 * with batch-level series) with @cnnlab/tfevents' writer, starts the dashboard server in a child process, and
 * measures the first and warm GET /api/runs, one run's scalars and the server's memory; then reads the same logdir
 * with the @cnnlab/tfevents reader alone (also in a child process) for comparison.
 *
 *   npm run bench:dashboard -w @cnnlab/bench                      # 1,000 runs × 50 epochs × 10 tags + 10 × 100k batch points
 *   npm run bench:dashboard -w @cnnlab/bench -- --runs 100 --batch-points 10000 --requests 10
 *
 * Options: --runs N, --epochs N, --tags N, --batch-runs N, --batch-points N, --requests N (warm repetitions),
 * --logdir DIR (kept and reused when it already holds the same shape), --json FILE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listRuns, readRunDirectory, scalarSeries, SummaryWriter } from '@cnnlab/tfevents';

interface Shape {
  runs: number;
  epochs: number;
  tags: number;
  batchRuns: number;
  batchPoints: number;
}

const EPOCH_TAGS = ['train/loss', 'val/loss', 'train/accuracy', 'val/accuracy', 'lr', 'perf/epoch_seconds', 'perf/images_per_second', 'grad/norm', 'weights/norm', 'val/top5'];

function tagsOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => EPOCH_TAGS[i] ?? `extra/metric_${i}`);
}

/** Writes the logdir (skipped when `logdir/shape.json` says it already holds this shape). */
function generate(logdir: string, shape: Shape): { ms: number; reused: boolean } {
  const marker = join(logdir, 'shape.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(shape)) return { ms: 0, reused: true };
  rmSync(logdir, { recursive: true, force: true });
  mkdirSync(logdir, { recursive: true });
  const started = performance.now();
  const tags = tagsOf(shape.tags);
  const t0 = 1_750_000_000;
  for (let r = 0; r < shape.runs; r++) {
    const writer = new SummaryWriter(join(logdir, `group-${String(r % 20).padStart(2, '0')}`, `run-${String(r).padStart(4, '0')}`), { flushIntervalMs: 0, flushOnExit: false });
    for (let epoch = 1; epoch <= shape.epochs; epoch++) {
      const values: Record<string, number> = {};
      tags.forEach((tag, i) => (values[tag] = Math.exp(-epoch / (10 + (r % 7))) * (i + 1) + 0.01 * ((r * 31 + epoch * 17 + i) % 13)));
      writer.scalars(values, epoch, { wallTime: t0 + r * 1000 + epoch * 10 });
    }
    writer.close();
  }
  for (let r = 0; r < shape.batchRuns; r++) {
    const writer = new SummaryWriter(join(logdir, 'long', `batch-${String(r).padStart(2, '0')}`), { flushIntervalMs: 0, flushOnExit: false });
    const perEpoch = Math.max(1, Math.floor(shape.batchPoints / shape.epochs));
    for (let step = 1; step <= shape.batchPoints; step++) {
      writer.scalar('batch/train_loss', 2 * Math.exp(-step / shape.batchPoints) + 0.05 * Math.sin(step), step, { wallTime: t0 + step * 0.05 });
      if (step % perEpoch === 0) {
        const epoch = step / perEpoch;
        writer.scalars({ 'train/loss': 1 / epoch, 'val/loss': 1.1 / epoch, 'train/accuracy': 1 - 0.5 / epoch, 'val/accuracy': 1 - 0.55 / epoch }, epoch, { wallTime: t0 + step * 0.05 });
      }
    }
    writer.close();
  }
  writeFileSync(marker, JSON.stringify(shape));
  return { ms: performance.now() - started, reused: false };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Resident and peak resident memory of a process, in MiB (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU time a process has used, in ms (Linux /proc; user + system, at 100 ticks a second). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** This same script in a child process (the server, or the reader alone), workspace packages from source. */
function child(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', import.meta.filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function firstLine(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before answering`)));
  });
}

async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${Buffer.from(body).toString()}`);
  return { ms: performance.now() - started, bytes: body.byteLength };
}

async function serve(logdir: string): Promise<void> {
  const { startDashboard } = await import('@cnnlab/dashboard');
  // scanIntervalMs as the CLI's default: a warm request within a second of the last scan reuses it.
  const dashboard = await startDashboard({ logdir, port: 0 });
  process.stdout.write(`${dashboard.url}\n`);
}

async function readerOnly(logdir: string): Promise<void> {
  const started = performance.now();
  let points = 0;
  const kept: unknown[] = [];
  for (const run of await listRuns(logdir)) {
    const { events } = await readRunDirectory(join(logdir, run));
    const series = scalarSeries(events);
    for (const s of series.values()) points += s.length;
    kept.push(series);
  }
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, points, runs: kept.length, ...memoryOf(process.pid) })}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1000' }, epochs: { type: 'string', default: '50' }, tags: { type: 'string', default: '10' },
      'batch-runs': { type: 'string', default: '10' }, 'batch-points': { type: 'string', default: '100000' }, requests: { type: 'string', default: '20' },
      logdir: { type: 'string' }, json: { type: 'string' }, serve: { type: 'string' }, 'reader-only': { type: 'string' },
    },
  });
  if (values.serve) return serve(values.serve);
  if (values['reader-only']) return readerOnly(values['reader-only']);

  const shape: Shape = { runs: Number(values.runs), epochs: Number(values.epochs), tags: Number(values.tags), batchRuns: Number(values['batch-runs']), batchPoints: Number(values['batch-points']) };
  const requests = Number(values.requests);
  const temporary = !values.logdir;
  const logdir = values.logdir ?? join(mkdtempSync(join(tmpdir(), 'cnnlab-dashboard-scale-')), 'runs');
  const gen = generate(logdir, shape);
  const points = shape.runs * shape.epochs * shape.tags + shape.batchRuns * (shape.batchPoints + 4 * shape.epochs);
  console.log(`logdir ${logdir}: ${shape.runs} runs × ${shape.epochs} epochs × ${shape.tags} tags + ${shape.batchRuns} runs × ${shape.batchPoints} batch points (${points.toLocaleString('en-US')} points)${gen.reused ? ', reused' : `, written in ${(gen.ms / 1000).toFixed(1)} s`}`);

  const server = child(['--serve', logdir]);
  try {
    const url = await firstLine(server);
    const idle = memoryOf(server.pid!);
    const first = await timed(`${url}api/runs`);
    const afterFirst = memoryOf(server.pid!);
    const warm: number[] = [];
    let cpu = cpuMs(server.pid!);
    for (let i = 0; i < requests; i++) warm.push((await timed(`${url}api/runs`)).ms);
    const warmCpu = (cpuMs(server.pid!) - cpu) / requests;
    const epochRun = `${url}api/runs/${encodeURIComponent('group-00/run-0000')}/scalars`;
    const batchRun = `${url}api/runs/${encodeURIComponent('long/batch-00')}/scalars`;
    const epochScalars: number[] = [];
    const batchScalars: number[] = [];
    let batchBytes = 0;
    await timed(batchRun);
    cpu = cpuMs(server.pid!);
    for (let i = 0; i < requests; i++) epochScalars.push((await timed(epochRun)).ms);
    const epochCpu = (cpuMs(server.pid!) - cpu) / requests;
    cpu = cpuMs(server.pid!);
    for (let i = 0; i < requests; i++) {
      const b = await timed(batchRun);
      batchScalars.push(b.ms);
      batchBytes = b.bytes;
    }
    const batchCpu = (cpuMs(server.pid!) - cpu) / requests;
    const end = memoryOf(server.pid!);
    server.kill();

    const reader = child(['--reader-only', logdir]);
    const read = JSON.parse(await firstLine(reader)) as { ms: number; points: number; runs: number; rss: number; peak: number };
    reader.kill();

    const rows: [string, string, string][] = [
      ['first GET /api/runs (reads every file)', `${first.ms.toFixed(0)} ms`, `${(first.bytes / 2 ** 20).toFixed(2)} MiB of JSON`],
      [`warm GET /api/runs, p50 of ${requests}`, `${median(warm).toFixed(1)} ms`, `server CPU ${warmCpu.toFixed(0)} ms a request; target < 100 ms`],
      ['GET scalars, a run of 50 epochs × 10 tags, p50', `${median(epochScalars).toFixed(1)} ms`, `server CPU ${epochCpu.toFixed(0)} ms a request; target < 50 ms`],
      [`GET scalars, a run of ${shape.batchPoints.toLocaleString('en-US')} batch points, p50`, `${median(batchScalars).toFixed(1)} ms`, `server CPU ${batchCpu.toFixed(0)} ms a request, ${(batchBytes / 2 ** 20).toFixed(2)} MiB of JSON (after a first request that builds it); target < 50 ms`],
      ['server RSS: idle / after the first list / at the end', `${idle.rss.toFixed(0)} / ${afterFirst.rss.toFixed(0)} / ${end.rss.toFixed(0)} MiB`, `peak ${end.peak.toFixed(0)} MiB; target < 500 MB`],
      ['@cnnlab/tfevents reader alone: every run into scalar series', `${read.ms.toFixed(0)} ms`, `${read.points.toLocaleString('en-US')} points, RSS ${read.rss.toFixed(0)} MiB (peak ${read.peak.toFixed(0)})`],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`\n${'measure'.padEnd(w0)}  ${'value'.padStart(w1)}  note`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
    if (values.json) {
      writeFileSync(values.json, JSON.stringify({ shape, first, warmMs: warm, cpuMsPerRequest: { warm: warmCpu, epochScalars: epochCpu, batchScalars: batchCpu }, epochScalarsMs: epochScalars, batchScalarsMs: batchScalars, memory: { idle, afterFirst, end }, reader: read }, null, 2));
    }
  } finally {
    server.kill();
    if (temporary) rmSync(join(logdir, '..'), { recursive: true, force: true });
  }
}

await main();
