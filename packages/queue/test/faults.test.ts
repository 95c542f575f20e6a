// Ctrl-C on a worker puts its trial back with a checkpoint; a Redis restart (AOF) only pauses the study.
import '@cnnlab/arch-lenet';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '@cnnlab/trainer';
import { runSweep, type SweepSpecInput, type SweepState } from '@cnnlab/search';
import { redisTestsEnabled, startRedis } from '../../../test-support/redis.js';
import { QueueTrialExecutor } from '../src/index.js';
import { spawnHelper } from './helpers/processes.js';
import { queueRig } from './helpers/rig.js';

process.env.CNNLAB_THREADS = '1';

const SPEC: SweepSpecInput = {
  name: 'faults', method: 'grid', test: false,
  base: { arch: 'lenet', epochs: 2, dataset: { limit: 200 }, batchSize: 20, seed: 2, logEveryBatches: 0, optimizer: { name: 'sgd' } },
  parameters: { lr: { values: [0.1, 0.6, 1.2] } },
};
const losses = (s: SweepState) => s.trials.map((t) => [t.name, t.status, t.history.map((h) => h.valLoss)]);

describe.runIf(redisTestsEnabled('the queue fault tests'))('faults', () => {
  const rig = queueRig('cnnlab-queue3-');
  const { root, workers } = rig;

  it('a worker stopped with Ctrl-C gives its trial back; Redis restarted mid-study; the results are those of a local run', async () => {
    const local = await runSweep(SPEC, { dir: join(root, 'local') });
    const redis = (rig.redis = await startRedis());
    const logdir = join(root, 'logs'), dir = join(logdir, 'sweeps', 'faults');
    mkdirSync(logdir, { recursive: true });
    let interrupted = false;
    const first = spawnHelper('worker-child.ts', [redis.url, logdir, 'first', '10000'], (line, child) => {
      if (!interrupted && line.includes('"type":"batch"') && line.includes('"epoch":2,"batch":3')) {
        interrupted = true;
        child.process.kill('SIGINT');
      }
    });
    workers.push(first);
    const executor = new QueueTrialExecutor({ url: redis.url, logdir, studyDir: dir, kind: 'sweep', pollMs: 100 });
    const sweep = runSweep(SPEC, { dir, executor });
    const requeued = JSON.parse(await first.waitFor((l) => l.includes('"type":"requeued"'), 'the trial to go back')) as { name: string };
    expect((await first.exited).code).toBe(0);
    const checkpointed = readReport(join(dir, requeued.name));
    expect([checkpointed.status, checkpointed.history.length]).toEqual(['interrupted', 1]);

    await redis.restart();
    workers.push(spawnHelper('worker-child.ts', [redis.url, logdir, 'second', '10000']));
    const state = await sweep;
    await executor.close(true);
    expect(state.status).toBe('finished');
    expect(losses(state)).toEqual(losses(local));
    expect(readReport(join(dir, requeued.name)).resumes).toBe(1);
    expect(workers[1]!.lines.some((l) => l.includes(`"name":"${requeued.name}","action":"resume"`))).toBe(true);
  }, 400_000);

  it('the median rule decides as in one process while workers train trials side by side', async () => {
    const spec: SweepSpecInput = {
      name: 'median', method: 'grid', test: false, pruning: { rule: 'median', warmup: 1, minTrials: 1 },
      base: { ...SPEC.base, arch: 'lenet', epochs: 3 },
      parameters: { lr: { values: [0.6, 0.001, 0.3, 0.002] } },
    };
    const local = await runSweep(spec, { dir: join(rig.root, 'local-median') });
    expect(local.trials.filter((t) => t.status === 'pruned').length, 'the spec prunes').toBeGreaterThan(0);
    const logdir = join(rig.root, 'logs'), dir = join(logdir, 'sweeps', 'median');
    workers.push(spawnHelper('worker-child.ts', [rig.redis!.url, logdir, 'third', '10000']));
    const executor = new QueueTrialExecutor({ url: rig.redis!.url, logdir, studyDir: dir, kind: 'sweep', pollMs: 100 });
    const queued = await runSweep(spec, { dir, executor });
    await executor.close(true);
    expect(queued.trials.map((t) => [t.name, t.status, t.stopped ?? null, t.history.map((h) => h.valLoss)]))
      .toEqual(local.trials.map((t) => [t.name, t.status, t.stopped ?? null, t.history.map((h) => h.valLoss)]));
    expect(queued.best).toEqual(local.best);
  }, 400_000);
});
