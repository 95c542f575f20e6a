import '@cnnlab/arch-lenet';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatQueueReport, formatSweepReport, readQueueSnapshot, runDesignSpaceSearch, runSweep, type SweepSpecInput } from '@cnnlab/search';
import { redisTestsEnabled, startRedis, type RedisHandle } from '../../../test-support/redis.js';
import {
  connect, JobRefused, parseJob, queueNameOf, QueueTrialExecutor, redactIn, redactUrl, redisUrl, REDIS_URL_ENV, runDirectoryOf, studyPath,
} from '../src/index.js';
import { spawnHelper, type Child } from './helpers/processes.js';

process.env.CNNLAB_THREADS = '1';

describe('queue URLs', () => {
  it('never shows a password: redacted in URLs and in any text quoting one', () => {
    expect(redactUrl('rediss://worker:s3cret@redis.example:6380/2')).toBe('rediss://worker:***@redis.example:6380/2');
    expect(redactUrl('redis://:s3cret@10.0.0.5:6379')).toBe('redis://:***@10.0.0.5:6379');
    expect(redactUrl('redis://localhost:6379')).toBe('redis://localhost:6379');
    expect(redactUrl('redis://:p%40ss@h:1')).not.toContain('p%40ss');
    expect(redactIn('connect to redis://:s3cret@h:1 failed (s3cret)', 'redis://:s3cret@h:1')).toBe('connect to redis://:***@h:1 failed (***)');
  });

  it('takes --queue, else CNNLAB_REDIS_URL, and names what is wrong', () => {
    const saved = process.env[REDIS_URL_ENV];
    try {
      process.env[REDIS_URL_ENV] = 'rediss://:from-env@h:6380';
      expect(redisUrl(true)).toBe('rediss://:from-env@h:6380');
      expect(redisUrl('redis://h:1')).toBe('redis://h:1');
      delete process.env[REDIS_URL_ENV];
      expect(() => redisUrl(true)).toThrow(/--queue needs a Redis URL .* or set CNNLAB_REDIS_URL/);
      expect(() => redisUrl('http://:pw@h')).toThrow(/must start with redis:\/\/ or rediss:\/\//);
      expect(() => redisUrl('http://:pw@h')).not.toThrow(/pw/);
    } finally {
      if (saved === undefined) delete process.env[REDIS_URL_ENV];
      else process.env[REDIS_URL_ENV] = saved;
    }
  });
});

describe('jobs', () => {
  it('refuses run paths that leave the logdir, and malformed or unknown jobs, with a clear message', () => {
    expect(runDirectoryOf('/logs', { study: 'sweeps/a', run: 'trial-001' })).toBe('/logs/sweeps/a/trial-001');
    for (const bad of [{ study: '..', run: 'x' }, { study: 'sweeps/a', run: '../../../etc' }, { study: '/etc', run: 'x' }, { study: '.', run: '.' }, { study: 'a\\..\\..', run: 'x' }]) {
      expect(() => runDirectoryOf('/logs', bad), JSON.stringify(bad)).toThrow(JobRefused);
      expect(() => runDirectoryOf('/logs', bad)).toThrow(/leaves the logdir \/logs/);
    }
    const logs = mkdtempSync(join(tmpdir(), 'cnnlab-escape-'));
    mkdirSync(join(logs, 'logdir', 'sweeps'), { recursive: true });
    symlinkSync(join(logs, 'elsewhere'), join(logs, 'logdir', 'sweeps', 'link'));
    mkdirSync(join(logs, 'elsewhere'));
    expect(() => runDirectoryOf(join(logs, 'logdir'), { study: 'sweeps/link', run: 'trial-000' })).toThrow(/leads outside the logdir .* \(through a symbolic link\)/);
    expect(runDirectoryOf(join(logs, 'logdir'), { study: 'sweeps/new', run: 'trial-000' })).toBe(join(logs, 'logdir', 'sweeps', 'new', 'trial-000'));
    rmSync(logs, { recursive: true, force: true });
    expect(() => parseJob(null)).toThrow(/malformed job: its data is null/);
    expect(() => parseJob({ format: 99 })).toThrow(/unknown job: format 99/);
    expect(() => parseJob({ format: 1, study: 's', run: 'r', name: 'n', options: { arch: 'lenet' }, epochs: 0 })).toThrow(/"epochs" must be a positive integer/);
    expect(() => studyPath('/logs', '/elsewhere/sweep')).toThrow(/must be inside the logdir/);
    expect(queueNameOf('sweep', 'sweeps/a')).not.toBe(queueNameOf('sweep', 'sweeps/b'));
    expect(queueNameOf('sweep', 'sweeps/a')).not.toContain(':');
  });
});

const spec = (name: string, lrs: number[]): SweepSpecInput => ({
  name, method: 'grid', test: false,
  base: { arch: 'lenet', epochs: 1, dataset: { limit: 200 }, batchSize: 32, seed: 1, logEveryBatches: 0, optimizer: { name: 'sgd' } },
  parameters: { lr: { values: lrs } },
});

describe.runIf(redisTestsEnabled('the queue tests'))('two studies, a bad job and a path escape on one Redis', () => {
  const root = mkdtempSync(join(tmpdir(), 'cnnlab-queue2-'));
  const logdir = join(root, 'logs');
  let redis: RedisHandle;
  let worker: Child;
  beforeAll(async () => {
    redis = await startRedis({ password: 'Sup3r-secret-pw' });
    mkdirSync(logdir, { recursive: true });
    worker = spawnHelper('worker-child.ts', [redis.url, logdir, 'solo', '5000']);
    await worker.waitFor((l) => l.includes('"type":"up"'), 'the worker');
  });
  afterAll(async () => {
    worker?.process.kill('SIGKILL');
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the studies apart, fails the bad jobs with a message in the study\'s report, and the worker keeps serving', async () => {
    const dirA = join(logdir, 'sweeps', 'a'), dirB = join(logdir, 'sweeps', 'b');
    // Two jobs that are not the study's trials, waiting in study A's queue before it starts.
    const redisClient = connect(redis.url);
    const queueA = new Queue(queueNameOf('sweep', 'sweeps/a'), { connection: redisClient });
    await queueA.add('junk', { hello: 'world' }, { jobId: 'junk' });
    await queueA.add('escape', { format: 1, study: '..', run: 'escaped', name: 'escaped', options: { arch: 'lenet' }, epochs: 1 }, { jobId: 'escape' });
    const logs: string[] = [];
    const executors = [dirA, dirB].map((dir) => new QueueTrialExecutor({ url: redis.url, logdir, studyDir: dir, kind: 'sweep', pollMs: 100, log: (m) => logs.push(m) }));
    expect(executors[0]!.queueName).not.toBe(executors[1]!.queueName);
    const [a, b] = await Promise.all([
      runSweep(spec('a', [0.1, 0.5]), { dir: dirA, executor: executors[0]!, hooks: { log: (m) => logs.push(m) } }),
      runSweep(spec('b', [0.2, 0.9, 1.3]), { dir: dirB, executor: executors[1]!, hooks: { log: (m) => logs.push(m) } }),
    ]);
    for (const e of executors) await e.close(true);
    expect([a.status, b.status]).toEqual(['finished', 'finished']);
    expect(a.trials.map((t) => [t.name, t.status, t.history.length])).toEqual([['trial-000', 'finished', 1], ['trial-001', 'finished', 1]]);
    expect(b.trials.map((t) => t.params.lr)).toEqual([0.2, 0.9, 1.3]);
    // Each study's trials trained in its own directory.
    for (const [dir, n] of [[dirA, 2], [dirB, 3]] as const) for (let i = 0; i < n; i++) expect(existsSync(join(dir, `trial-00${i}`, 'report.json'))).toBe(true);
    expect(existsSync(join(dirA, 'trial-002'))).toBe(false);

    // The bad jobs failed with a clear message in study A's report, not in B's; nothing was written outside the logdir.
    const qa = readQueueSnapshot(dirA)!, qb = readQueueSnapshot(dirB)!;
    expect(Object.fromEntries(qa.foreign.map((f) => [f.id, f.message]))).toEqual({
      junk: expect.stringMatching(/unknown job: format undefined/),
      escape: expect.stringMatching(/refused: the run path "\.\.\/escaped" leaves the logdir/),
    });
    expect(qb.foreign).toEqual([]);
    expect(existsSync(join(root, 'escaped'))).toBe(false);
    const text = formatQueueReport(qa);
    expect(text).toMatch(/job junk failed: .*unknown job/);
    expect(text).toMatch(/0 waiting, 0 active, 2 done, 2 failed/);
    expect(qb.counts).toMatchObject({ done: 3, failed: 0 });
    // The worker refused both and trained all five trials.
    expect(worker.lines.filter((l) => l.includes('"type":"refused"'))).toHaveLength(2);
    expect(worker.lines.filter((l) => l.includes('"type":"done"'))).toHaveLength(5);

    // The password appears nowhere: not in the files, the reports or any log line.
    const everything = [
      readFileSync(join(dirA, 'sweep.json'), 'utf8'), readFileSync(join(dirA, 'queue.json'), 'utf8'), formatSweepReport(a, dirA), text,
      executors[0]!.describe(), ...logs, ...worker.lines, worker.stderr(),
    ].join('\n');
    expect(everything).toContain('redis://:***@127.0.0.1');
    expect(everything).not.toContain(redis.password);
    await queueA.close();
    redisClient.disconnect();
  }, 300_000);

  it('runs a design-space search on the queue with the results of a local search', async () => {
    const options = {
      spaces: ['AnyNetX_A', 'AnyNetX_E'] as const, samplesPerSpace: 2, epochs: 1, input: [1, 16, 16] as [number, number, number], datasetLimit: 200, stages: 2,
      stemChannels: 8, seed: 4, ranges: { depth: [1, 2] as [number, number], width: [8, 16] as [number, number], groupWidth: [4, 8] },
    };
    const local = await runDesignSpaceSearch({ ...options, spaces: [...options.spaces], dir: join(root, 'local-search') });
    const dir = join(logdir, 'search', 'ae');
    const executor = new QueueTrialExecutor({ url: redis.url, logdir, studyDir: dir, kind: 'search', pollMs: 100 });
    const queued = await runDesignSpaceSearch({ ...options, spaces: [...options.spaces], dir, executor });
    await executor.close(true);
    expect(queued.status).toBe('finished');
    expect(queued.models.map((m) => [m.runDir, m.status, m.valLoss, m.valError])).toEqual(local.models.map((m) => [m.runDir, m.status, m.valLoss, m.valError]));
    expect(queued.spaces.map((s) => s.edf)).toEqual(local.spaces.map((s) => s.edf));
    expect(readQueueSnapshot(dir)!.counts).toMatchObject({ done: 4, failed: 0, waiting: 0, active: 0 });
  }, 300_000);
});
