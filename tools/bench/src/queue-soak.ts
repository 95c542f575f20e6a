/**
 * Soak benchmark of the trial queue (not a test): a random sweep of tiny LeNet trials on 4 workers
 * (child processes) with random worker SIGKILLs and one Redis restart, checking that every trial's
 * result is present exactly once; then the queue's overhead per trial against the local runner
 * (the same trials, one worker, no faults). Needs redis-server.
 *
 *   npm run bench:queue-soak -w @cnnlab/bench -- [--trials 200] [--workers 4] [--kills 10] [--overhead-trials 40]
 */
import '@cnnlab/arch-lenet';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRunDirectory } from '@cnnlab/tfevents';
import { readReport } from '@cnnlab/trainer';
import { runSweep, type SweepSpecInput, type SweepState } from '@cnnlab/search';
import { Queue } from 'bullmq';
import { connect, QueueTrialExecutor } from '@cnnlab/queue';
import { startRedis, type RedisHandle } from '../../../test-support/redis.js';

process.env.CNNLAB_THREADS = '1';
const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '200' }, workers: { type: 'string', default: '4' }, kills: { type: 'string', default: '10' },
    'overhead-trials': { type: 'string', default: '40' }, seed: { type: 'string', default: '7' }, 'overhead-only': { type: 'boolean', default: false },
  },
});
const TRIALS = Number(args.trials), WORKERS = Number(args.workers), KILLS = Number(args.kills), OVERHEAD_TRIALS = Number(args['overhead-trials']);
const EPOCHS = 2;

/** Tiny trials: LeNet on 150 images (105 train in 3 batches of 35, 30 val), 2 epochs, random lr and momentum. */
const spec = (name: string, trials: number): SweepSpecInput => ({
  name, method: 'random', trials, seed: Number(args.seed), test: false,
  base: { arch: 'lenet', epochs: EPOCHS, dataset: { limit: 150 }, batchSize: 35, seed: 1, logEveryBatches: 0, optimizer: { name: 'sgd' } },
  parameters: { lr: { min: 0.05, max: 1, log: true }, 'optimizer.momentum': { min: 0, max: 0.9 } },
});

const workerScript = join(import.meta.dirname, '..', '..', '..', 'packages', 'queue', 'test', 'helpers', 'worker-child.ts');
const rng = (() => {
  let s = Number(args.seed) >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
})();

interface WorkerProc { name: string; process: ChildProcess; lines: string[]; up: Promise<void> }
function startWorker(url: string, logdir: string, name: string, lockMs: number): WorkerProc {
  const p = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', workerScript, url, logdir, name, String(lockMs)], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CNNLAB_THREADS: '1' },
  });
  const lines: string[] = [];
  let buffer = '';
  let ready!: () => void;
  const up = new Promise<void>((r) => (ready = r));
  p.stdout!.on('data', (c: Buffer) => {
    buffer += c.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const l of parts) {
      if (l.includes('"type":"up"')) ready();
      if (!l.includes('"type":"batch"')) lines.push(l);
    }
  });
  return { name, process: p, lines, up };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
function print(rows: string[][]): void {
  const width = Math.max(...rows.map((r) => r[0]!.length));
  console.log(rows.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n'));
}

async function queueSweep(redis: RedisHandle, logdir: string, name: string, trials: number, during?: (state: () => number) => Promise<void>): Promise<{ state: SweepState; ms: number }> {
  const dir = join(logdir, 'sweeps', name);
  const executor = new QueueTrialExecutor({ url: redis.url, logdir, studyDir: dir, kind: 'sweep', pollMs: 100 });
  let settled = 0;
  const started = performance.now();
  const run = runSweep(spec(name, trials), { dir, executor, hooks: { onTrialEnd: () => void settled++ } });
  const faults = during?.(() => settled);
  const state = await run;
  const ms = performance.now() - started;
  await faults;
  await executor.close(true);
  return { state, ms };
}

/** With one worker: how long it spent between finishing one trial and starting the next (completing, fetching), from the jobs' timestamps. */
async function handoffs(redis: RedisHandle, dir: string, logdir: string): Promise<{ median: number; max: number }> {
  const name = new QueueTrialExecutor({ url: redis.url, logdir, studyDir: dir, kind: 'sweep' });
  const connection = connect(redis.url);
  const queue = new Queue(name.queueName, { connection });
  const jobs = (await queue.getCompleted(0, -1)).filter((j) => j.processedOn && j.finishedOn).sort((a, b) => a.processedOn! - b.processedOn!);
  await queue.close();
  connection.disconnect();
  await name.close();
  const gaps = jobs.slice(1).map((j, i) => j.processedOn! - jobs[i]!.finishedOn!).sort((a, b) => a - b);
  return { median: gaps[gaps.length >> 1] ?? NaN, max: gaps.at(-1) ?? NaN };
}

/** Each trial: finished, its epochs recorded once in report.json and once in its event files. */
async function checkExactlyOnce(dir: string, state: SweepState): Promise<string[]> {
  const problems: string[] = [];
  const dirs = readdirSync(dir).filter((d) => d.startsWith('trial-'));
  if (dirs.length !== TRIALS) problems.push(`${dirs.length} run directories for ${TRIALS} trials`);
  for (const t of state.trials) {
    if (t.status !== 'finished') problems.push(`${t.name}: ${t.status}`);
    const report = readReport(join(dir, t.dir));
    if (report.history.map((h) => h.epoch).join() !== '1,2') problems.push(`${t.name}: epochs ${report.history.map((h) => h.epoch).join()}`);
    const { events } = await readRunDirectory(join(dir, t.dir));
    const steps = events.flatMap((e) => (e.summary?.values ?? []).filter((v) => v.kind === 'scalar' && v.tag === 'val/loss').map(() => e.step)).sort();
    if (steps.join() !== '1,2') problems.push(`${t.name}: val/loss logged at steps ${steps.join()}`);
  }
  return problems;
}

const root = mkdtempSync(join(tmpdir(), 'cnnlab-soak-'));
const redis = await startRedis();
const workers: WorkerProc[] = [];
try {
  const logdir = join(root, 'logs');
  mkdirSync(logdir, { recursive: true });

  // 1. Overhead: the same trials locally, on one worker (no faults), and locally again (the machine is shared:
  // the two local runs bracket the queue's), all on one wasm thread, each warmed up by one trial first.
  const local = async (name: string) => {
    await runSweep(spec(`${name}-warm`, 1), { dir: join(root, `${name}-warm`) });
    const started = performance.now();
    await runSweep(spec(name, OVERHEAD_TRIALS), { dir: join(root, name) });
    return performance.now() - started;
  };
  const localBefore = await local('local-1');
  const solo = startWorker(redis.url, logdir, 'solo', 30_000);
  workers.push(solo);
  await solo.up;
  await queueSweep(redis, logdir, 'warm', 1);
  const one = await queueSweep(redis, logdir, 'overhead', OVERHEAD_TRIALS);
  const handoff = await handoffs(redis, join(logdir, 'sweeps', 'overhead'), logdir);
  solo.process.kill('SIGINT');
  await new Promise((r) => solo.process.once('exit', r));
  workers.length = 0;
  const localAfter = await local('local-2');
  const localMs = (localBefore + localAfter) / 2;
  const overheadRows = [
    [`local runner, ${OVERHEAD_TRIALS} trials (before / after)`, `${seconds(localBefore)} s / ${seconds(localAfter)} s (${(localMs / OVERHEAD_TRIALS).toFixed(0)} ms per trial on average)`],
    [`queue, 1 worker, ${OVERHEAD_TRIALS} trials`, `${seconds(one.ms)} s (${(one.ms / OVERHEAD_TRIALS).toFixed(0)} ms per trial)`],
    ['queue overhead per trial (wall-time difference)', `${((one.ms - localMs) / OVERHEAD_TRIALS).toFixed(0)} ms`],
    ['worker hand-off between trials (Redis timestamps)', `median ${handoff.median} ms, max ${handoff.max} ms`],
  ];
  soak: {
    if (args['overhead-only']) {
      print(overheadRows);
      break soak;
    }

    // 2. Soak: TRIALS trials, WORKERS workers, KILLS random SIGKILLs (each replaced by a new worker), one Redis restart.
    const LOCK_MS = 3000;
    let serial = 0;
    const spawnWorker = () => {
      const w = startWorker(redis.url, logdir, `w${++serial}`, LOCK_MS);
      workers.push(w);
      return w;
    };
    for (let i = 0; i < WORKERS; i++) spawnWorker();
    await Promise.all(workers.map((w) => w.up));
    const killAt = Array.from({ length: KILLS }, () => Math.floor(rng() * TRIALS * 0.9)).sort((a, b) => a - b);
    const restartAt = Math.floor(TRIALS / 2);
    let restartMs = 0;
    const killed: string[] = [];
    const soak = await queueSweep(redis, logdir, 'soak', TRIALS, async (settled) => {
      let restarted = false;
      while (settled() < TRIALS && (killAt.length || !restarted)) {
        await new Promise((r) => setTimeout(r, 200));
        if (killAt.length && settled() >= killAt[0]!) {
          killAt.shift();
          const alive = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
          const victim = alive[Math.floor(rng() * alive.length)]!;
          victim.process.kill('SIGKILL');
          killed.push(`${victim.name}@${settled()}`);
          spawnWorker();
        }
        if (!restarted && settled() >= restartAt) {
          restarted = true;
          const t = performance.now();
          await redis.restart();
          restartMs = performance.now() - t;
        }
      }
    });
    const problems = await checkExactlyOnce(join(logdir, 'sweeps', 'soak'), soak.state);
    // Nothing trained twice: a trial's training ended ("done") once, however often it started.
    const done = new Map<string, number>();
    for (const w of workers) for (const l of w.lines.filter((x) => x.includes('"type":"done"') && !x.includes('"action":"skip"'))) {
      const job = (JSON.parse(l) as { job: string }).job;
      done.set(job, (done.get(job) ?? 0) + 1);
    }
    const twice = [...done].filter(([, n]) => n > 1).map(([j]) => j);
    const restartsOfTrials = soak.state.trials.reduce((n, t) => n + t.resumes, 0);

    const rows = [
      ['trials (soak)', `${TRIALS} × ${EPOCHS} epochs, LeNet, 105 training images`],
      ['workers', `${WORKERS} (each on 1 wasm thread; 2 shared cores)`],
      ['worker SIGKILLs', `${killed.length} (${killed.join(', ')})`],
      ['Redis restarts', `1 (after ${restartAt} trials; down ${seconds(restartMs)} s)`],
      ['soak wall time', `${seconds(soak.ms)} s`],
      ['trials finished, each result once', `${soak.state.trials.filter((t) => t.status === 'finished').length} / ${TRIALS}${problems.length ? ` — PROBLEMS: ${problems.slice(0, 5).join('; ')}` : ''}`],
      ['trials whose training ended twice', `${twice.length}`],
      ['trials resumed from a checkpoint', `${soak.state.trials.filter((t) => t.resumes > 0).length} (${restartsOfTrials} resumes)`],
      ...overheadRows,
    ];
    print(rows);
    if (problems.length || twice.length || soak.state.status !== 'finished') process.exitCode = 1;
  }
} finally {
  for (const w of workers) w.process.kill('SIGKILL');
  await redis.stop();
  if (existsSync(root)) rmSync(root, { recursive: true, force: true });
}
