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
 * --logdir DIR (kept and reused when it already holds the same shape), --json FILE, --no-browser (no first screen in
 * Chromium), --screenshot FILE (the Runs table once every run is read), --no-reader, --max-old-space MB (the server's
 * V8 old-generation limit: what it holds alive is far below the heap V8 lets grow with the garbage of decoding).
 *
 * The first screen is measured on a cold server: the first page of GET /api/runs?limit=100, and in Chromium
 * (playwright-core, Debian's chromium) the time from opening the dashboard to the Runs table's first row visible.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** This same script in a child process (the reader alone), workspace packages from source. */
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

/** GET with Accept-Encoding: gzip: the time, the bytes on the wire, the bytes of JSON. */
function gzipGet(url: string): Promise<{ ms: number; wire: number; raw: number; body: Buffer }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const wire = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
        if (res.statusCode !== 200) return reject(new Error(`${url}: ${res.statusCode} ${body.toString()}`));
        resolve({ ms: performance.now() - started, wire: wire.length, raw: body.length, body });
      });
    }).on('error', reject);
  });
}

/**
 * The peak resident memory of a process, sampled every 50 ms (and its kernel high-water mark) until stopped, and
 * the sampled peak of each phase named with `phase()`, to tell which request makes the peak.
 */
function watchMemory(pid: number): { phase: (name: string) => void; stop: () => { rss: number; peak: number; sampledPeak: number; phases: Record<string, number> } } {
  let sampledPeak = 0;
  let current = 'idle';
  const phases: Record<string, number> = {};
  const sample = () => {
    try {
      const rss = memoryOf(pid).rss;
      sampledPeak = Math.max(sampledPeak, rss);
      phases[current] = Math.max(phases[current] ?? 0, rss);
    } catch {
      // the process is gone
    }
  };
  const timer = setInterval(sample, 50);
  return {
    phase: (name) => (sample(), (current = name), sample()),
    stop: () => (clearInterval(timer), sample(), { ...memoryOf(pid), sampledPeak, phases }),
  };
}

/** Builds the dashboard's client with Vite into `outDir` (the server serves it from there). */
function buildClient(outDir: string): Promise<void> {
  const root = dirname(createRequire(import.meta.url).resolve('@cnnlab/dashboard/package.json'));
  const vite = join(dirname(createRequire(join(root, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code})`))));
  });
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The dashboard server in a child process as `cnnlab dashboard` runs it: plain node on the built package (dist/),
 * so its memory is the server's and not a TypeScript loader's. scanIntervalMs is the CLI's default.
 */
function serverProcess(logdir: string, clientDir?: string, maxOldSpaceMb?: number, heapLimitMb?: number): ChildProcess {
  const entry = join(dirname(createRequire(import.meta.url).resolve('@cnnlab/dashboard/package.json')), 'dist', 'server', 'start.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the dashboard first (npm run build -w @cnnlab/dashboard)`);
  const script = `const { startDashboard } = await import(${JSON.stringify(pathToFileURL(entry).href)});
const dashboard = await startDashboard(${JSON.stringify({ logdir, port: 0, clientDir, heapLimitMb })});
process.stdout.write(dashboard.url + '\\n');`;
  const heap = maxOldSpaceMb ? [`--max-old-space-size=${maxOldSpaceMb}`] : [];
  return spawn(process.execPath, [...heap, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
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
      logdir: { type: 'string' }, json: { type: 'string' }, 'reader-only': { type: 'string' },
      'max-old-space': { type: 'string' }, 'max-heap': { type: 'string' },
      'no-browser': { type: 'boolean', default: false }, 'no-reader': { type: 'boolean', default: false }, screenshot: { type: 'string' },
    },
  });
  if (values['reader-only']) return readerOnly(values['reader-only']);

  const shape: Shape = { runs: Number(values.runs), epochs: Number(values.epochs), tags: Number(values.tags), batchRuns: Number(values['batch-runs']), batchPoints: Number(values['batch-points']) };
  const requests = Number(values.requests);
  const temporary = !values.logdir;
  const logdir = values.logdir ?? join(mkdtempSync(join(tmpdir(), 'cnnlab-dashboard-scale-')), 'runs');
  const gen = generate(logdir, shape);
  const points = shape.runs * shape.epochs * shape.tags + shape.batchRuns * (shape.batchPoints + 4 * shape.epochs);
  console.log(`logdir ${logdir}: ${shape.runs} runs × ${shape.epochs} epochs × ${shape.tags} tags + ${shape.batchRuns} runs × ${shape.batchPoints} batch points (${points.toLocaleString('en-US')} points)${gen.reused ? ', reused' : `, written in ${(gen.ms / 1000).toFixed(1)} s`}`);

  const browserWanted = !values['no-browser'] && existsSync(CHROMIUM);
  if (!values['no-browser'] && !browserWanted) console.log(`No Chromium at ${CHROMIUM} (set CHROMIUM_PATH): the first screen is measured on the API only.`);
  const work = mkdtempSync(join(tmpdir(), 'cnnlab-dashboard-bench-'));
  const clientDir = join(work, 'client');
  if (browserWanted) await buildClient(clientDir);
  const { chromium } = browserWanted ? await import('playwright-core') : { chromium: null };
  const browser = chromium ? await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] }) : null;
  const server = serverProcess(logdir, browserWanted ? clientDir : undefined, values['max-old-space'] ? Number(values['max-old-space']) : undefined, values['max-heap'] ? Number(values['max-heap']) : undefined);
  try {
    const url = await firstLine(server);
    const memory = watchMemory(server.pid!);
    const idle = memoryOf(server.pid!);
    const serverStarted = performance.now();
    // The first screen, on a cold server: the first page of runs, and the Runs table's first row in a browser.
    memory.phase('first screen');
    const firstPage = await gzipGet(`${url}api/runs?limit=100`);
    const firstPageJson = JSON.parse(firstPage.body.toString()) as { runs: unknown[]; loading?: boolean; total?: number };
    let firstRowMs: number | null = null;
    const page = browser ? await browser.newPage({ viewport: { width: 1440, height: 900 } }) : null;
    if (page) {
      const opened = performance.now();
      await page.goto(`${url}#/runs`);
      await page.locator('[data-testid=run-row]').first().waitFor({ state: 'visible', timeout: 60_000 });
      firstRowMs = performance.now() - opened;
      // Its polling would load the server during the measurements below.
      await page.goto('about:blank');
    }
    // The rest of the first scan.
    memory.phase('scan');
    let scanned: { loading?: boolean } = { loading: true };
    while (scanned.loading) {
      await new Promise((r) => setTimeout(r, 250));
      scanned = JSON.parse((await gzipGet(`${url}api/runs?limit=1`)).body.toString()) as { loading?: boolean };
    }
    const scanMs = performance.now() - serverStarted;
    const afterScan = memoryOf(server.pid!);
    memory.phase('full list');
    const first = await gzipGet(`${url}api/runs`);
    const warm: number[] = [];
    let cpu = cpuMs(server.pid!);
    for (let i = 0; i < requests; i++) warm.push((await gzipGet(`${url}api/runs`)).ms);
    const warmCpu = (cpuMs(server.pid!) - cpu) / requests;
    // A quiet poll as the client makes it every 2 s: what changed since the version it holds (nothing here).
    const version = (JSON.parse(first.body.toString()) as { version?: string }).version;
    const quiet: number[] = [];
    let quietPoll = first;
    cpu = cpuMs(server.pid!);
    for (let i = 0; i < requests; i++) quiet.push((quietPoll = await gzipGet(`${url}api/runs${version ? `?since=${encodeURIComponent(version)}` : ''}`)).ms);
    const quietCpu = (cpuMs(server.pid!) - cpu) / requests;
    memory.phase('pages');
    const warmPage: number[] = [];
    for (let i = 0; i < requests; i++) warmPage.push((await gzipGet(`${url}api/runs?limit=100`)).ms);
    const epochRun = `${url}api/runs/${encodeURIComponent('group-00/run-0000')}/scalars`;
    const batchRun = `${url}api/runs/${encodeURIComponent('long/batch-00')}/scalars`;
    const epochScalars: number[] = [];
    const batchScalars: number[] = [];
    const sampledScalars: number[] = [];
    memory.phase('scalars');
    let batch = await gzipGet(batchRun);
    cpu = cpuMs(server.pid!);
    for (let i = 0; i < requests; i++) epochScalars.push((await gzipGet(epochRun)).ms);
    const epochCpu = (cpuMs(server.pid!) - cpu) / requests;
    cpu = cpuMs(server.pid!);
    for (let i = 0; i < requests; i++) batchScalars.push((batch = await gzipGet(batchRun)).ms);
    const batchCpu = (cpuMs(server.pid!) - cpu) / requests;
    let sampled = await gzipGet(`${batchRun}?points=2048`);
    for (let i = 0; i < requests; i++) sampledScalars.push((sampled = await gzipGet(`${batchRun}?points=2048`)).ms);
    memory.phase('screenshot');
    if (page && values.screenshot) {
      await page.goto(`${url}#/runs`);
      await page.locator('[data-testid=run-row]').first().waitFor({ state: 'visible' });
      // Groups collapsed or not, the rows drawn are those in view: wait for the page to settle on the full list.
      await page.waitForTimeout(1500);
      mkdirSync(dirname(values.screenshot), { recursive: true });
      await page.screenshot({ path: values.screenshot });
    }
    const end = memory.stop();
    server.kill();

    const reader = values['no-reader'] ? null : child(['--reader-only', logdir]);
    const read = reader ? (JSON.parse(await firstLine(reader)) as { ms: number; points: number; runs: number; rss: number; peak: number }) : null;
    reader?.kill();

    const size = (r: { raw: number; wire: number }) => `${(r.raw / 2 ** 20).toFixed(2)} MiB JSON, ${(r.wire / 2 ** 10).toFixed(0)} KiB gzip`;
    const rows: [string, string, string][] = [
      ['first screen: first page of GET /api/runs?limit=100 (cold server)', `${firstPage.ms.toFixed(0)} ms`, `${firstPageJson.runs.length} runs of ${firstPageJson.total ?? '?'} found, loading: ${firstPageJson.loading ?? false}; ${size(firstPage)}; target < 1 s`],
      ['first screen: Runs table\'s first row visible in Chromium', firstRowMs === null ? 'n/a' : `${firstRowMs.toFixed(0)} ms`, 'from opening the page, during the cold scan; target < 1 s'],
      ['first scan, every run read', `${(scanMs / 1000).toFixed(1)} s`, ''],
      ['GET /api/runs, every run (after the scan)', `${first.ms.toFixed(0)} ms`, size(first)],
      [`warm GET /api/runs, every run, p50 of ${requests}`, `${median(warm).toFixed(1)} ms`, `server CPU ${warmCpu.toFixed(0)} ms a request`],
      [`quiet poll GET /api/runs?since=<version>, p50 of ${requests}`, `${median(quiet).toFixed(1)} ms`, `server CPU ${quietCpu.toFixed(0)} ms a request; ${version ? size(quietPoll) : 'no version: the whole list'}`],
      [`warm GET /api/runs?limit=100, p50 of ${requests}`, `${median(warmPage).toFixed(1)} ms`, ''],
      ['GET scalars, a run of 50 epochs × 10 tags, p50', `${median(epochScalars).toFixed(1)} ms`, `server CPU ${epochCpu.toFixed(0)} ms a request`],
      [`GET scalars, a run of ${shape.batchPoints.toLocaleString('en-US')} batch points, p50`, `${median(batchScalars).toFixed(1)} ms`, `server CPU ${batchCpu.toFixed(0)} ms a request; ${size(batch)}`],
      ['GET scalars of that run, ?points=2048, p50', `${median(sampledScalars).toFixed(1)} ms`, size(sampled)],
      ['server RSS: idle / after the scan / at the end', `${idle.rss.toFixed(0)} / ${afterScan.rss.toFixed(0)} / ${end.rss.toFixed(0)} MiB`, `peak ${end.peak.toFixed(0)} MiB (VmHWM), sampled ${end.sampledPeak.toFixed(0)}; target < 300 MiB`],
      ['server RSS, sampled peak of each phase', Object.entries(end.phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(' / '), 'MiB'],
      ...(read ? [['@cnnlab/tfevents reader alone: every run into scalar series', `${read.ms.toFixed(0)} ms`, `${read.points.toLocaleString('en-US')} points, RSS ${read.rss.toFixed(0)} MiB (peak ${read.peak.toFixed(0)})`] as [string, string, string]] : []),
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`\n${'measure'.padEnd(w0)}  ${'value'.padStart(w1)}  note`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
    if (values.json) {
      const sizes = (r: { raw: number; wire: number; ms: number }) => ({ ms: r.ms, raw: r.raw, gzip: r.wire });
      writeFileSync(values.json, JSON.stringify({
        shape, firstPage: { ...sizes(firstPage), runs: firstPageJson.runs.length, total: firstPageJson.total, loading: firstPageJson.loading }, firstRowMs, scanMs,
        list: sizes(first), warmMs: warm, warmPageMs: warmPage, quietPoll: sizes(quietPoll), quietPollMs: quiet, cpuMsPerRequest: { warm: warmCpu, quietPoll: quietCpu, epochScalars: epochCpu, batchScalars: batchCpu },
        epochScalarsMs: epochScalars, batchScalarsMs: batchScalars, batchScalars: sizes(batch), sampledScalars: sizes(sampled), sampledScalarsMs: sampledScalars,
        memory: { idle, afterScan, end, phases: end.phases }, reader: read,
      }, null, 2));
    }
  } finally {
    server.kill();
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
    if (temporary) rmSync(join(logdir, '..'), { recursive: true, force: true });
  }
}

await main();
