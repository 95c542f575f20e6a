// `cnnlab sweep --queue` with a `cnnlab worker`: the same sweep files and report, plus the queue; the password never printed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSweep } from '@cnnlab/search';
import { redisTestsEnabled, startRedis, type RedisHandle } from '../../../test-support/redis.js';
import { main } from '../src/main.js';

/** The CLI in-process; what it printed. */
async function cnnlab(...args: string[]): Promise<string> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    await main(['node', 'cnnlab', ...args]);
  } finally {
    console.log = log;
  }
  return out.join('\n');
}

describe.runIf(redisTestsEnabled('the CLI queue test'))('cnnlab sweep --queue and cnnlab worker', () => {
  const root = mkdtempSync(join(tmpdir(), 'cnnlab-cli-queue-'));
  let redis: RedisHandle;
  afterAll(async () => {
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('trains the sweep on a worker, reports the queue, and never prints the password; Ctrl-C stops the worker', async () => {
    redis = await startRedis({ password: 'cli-Pa55word' });
    const logdir = join(root, 'logs');
    // The worker: the real command, from source, in its own process.
    const worker = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', '-e',
      `import(${JSON.stringify(join(import.meta.dirname, '../src/main.ts'))}).then((m) => m.main())`, 'cnnlab', 'worker', '--logdir', logdir, '--name', 'cli-worker', '--queue'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CNNLAB_REDIS_URL: redis.url, CNNLAB_THREADS: '1' },
    });
    let workerOut = '';
    worker.stdout.on('data', (d: Buffer) => (workerOut += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (workerOut += d.toString()));
    const spec = join(root, 'lr.json');
    writeFileSync(spec, JSON.stringify({
      method: 'grid', test: false, base: { arch: 'lenet', epochs: 1, dataset: { limit: 150 }, batchSize: 35, logEveryBatches: 0 }, parameters: { lr: { values: [0.3, 0.9] } },
    }));
    const out = await cnnlab('sweep', spec, '--queue', redis.url, '--logdir', logdir);
    const dir = join(logdir, 'sweeps', 'lr');
    expect(readSweep(dir).status).toBe('finished');
    expect(out).toMatch(/Trials go to queue cnnlab-sweep-sweeps_lr-\w+ on redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
    expect(out).toMatch(/Best configuration: trial-00\d: lr=/);
    const report = await cnnlab('sweep', 'report', dir);
    expect(report).toMatch(/Queue cnnlab-sweep-sweeps_lr-\w+ on redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? \(updated .*\): 0 waiting, 0 active, 2 done, 0 failed, 0 retried/);

    worker.kill('SIGINT');
    const code = await new Promise((resolve) => worker.on('exit', resolve));
    expect(code, workerOut).toBe(0);
    expect(workerOut).toMatch(/Worker cli-worker on redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
    expect(workerOut).toMatch(/trial-001: finished/);
    expect(workerOut).toMatch(/Stopped: 2 trial\(s\) trained, 0 job\(s\) refused\./);
    expect(`${out}\n${report}\n${workerOut}`).not.toContain(redis.password);
  }, 300_000);
});
