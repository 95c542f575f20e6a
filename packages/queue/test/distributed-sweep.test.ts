// The queue's central promise: trials trained by any number of workers, with a worker and the coordinator
// killed along the way, give exactly the results of the same sweep run in one process.
import '@cnnlab/arch-lenet';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRunDirectory } from '@cnnlab/tfevents';
import { readReport } from '@cnnlab/trainer';
import { readSweep, runSweep, type SweepSpecInput, type SweepState } from '@cnnlab/search';
import { redisTestsEnabled, startRedis, type RedisHandle } from '../../../test-support/redis.js';
import { spawnHelper } from './helpers/processes.js';
import { queueRig } from './helpers/rig.js';

// The workers train on one wasm thread; so does this process, so that both compute alike.
process.env.CNNLAB_THREADS = '1';

/** 12 trials of LeNet on 300 images (210 train, 7 batches of 32), successive halving η=3 over rungs of 1 and 3 epochs. */
const SPEC: SweepSpecInput = {
  name: 'halving12',
  method: 'grid',
  pruning: { rule: 'halving', eta: 3, minEpochs: 1, maxEpochs: 3 },
  base: { arch: 'lenet', dataset: { limit: 300 }, batchSize: 32, seed: 5, logEveryBatches: 0, optimizer: { name: 'sgd' } },
  parameters: { lr: { values: [0.05, 0.2, 0.4, 0.7, 1.0, 1.5] }, 'optimizer.momentum': { values: [0, 0.5] } },
};

const decisions = (s: SweepState) => s.trials.map((t) => ({
  name: t.name, status: t.status, rung: t.rung, stopped: t.stopped ?? null, valLosses: t.history.map((h) => h.valLoss), epochs: t.epochsDone,
}));

describe.runIf(redisTestsEnabled('the distributed sweep test'))('a successive-halving sweep over 3 workers', () => {
  const rig = queueRig('cnnlab-queue-');
  const { root, workers } = rig;
  const logdir = join(root, 'logs');
  const dir = join(logdir, 'sweeps', 'halving12');
  const specFile = join(root, 'spec.json');
  let redis: RedisHandle;
  let local: SweepState;
  beforeAll(async () => {
    redis = rig.redis = await startRedis();
    mkdirSync(logdir, { recursive: true });
    writeFileSync(specFile, JSON.stringify(SPEC));
    local = await runSweep(SPEC, { dir: join(root, 'local') });
  }, 300_000);

  it('matches the local sweep exactly, with a worker SIGKILLed mid-trial and the coordinator SIGKILLed once', async () => {
    let killedWorker: { name: string; trial: string } | null = null;
    const startWorker = (name: string) => {
      const w = spawnHelper('worker-child.ts', [redis.url, logdir, name, '5000'], (line, child) => {
        if (killedWorker || !line.startsWith('{')) return;
        const e = JSON.parse(line) as { type: string; name?: string; epoch?: number; batch?: number };
        // Mid-way through the third epoch of a promoted trial: its checkpoint of epoch 2 is on disk.
        if (e.type === 'batch' && e.epoch === 3 && e.batch === 3) {
          killedWorker = { name, trial: e.name! };
          child.process.kill('SIGKILL');
        }
      });
      workers.push(w);
      return w;
    };
    for (const name of ['w1', 'w2', 'w3']) startWorker(name);

    const first = spawnHelper('sweep-coordinator.ts', [redis.url, logdir, dir, specFile]);
    // Kill the coordinator once five trials of the first rung are recorded.
    let ended = 0;
    await first.waitFor((l) => l.startsWith('trial ') && ++ended >= 5, 'five finished trials');
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const second = spawnHelper('sweep-coordinator.ts', [redis.url, logdir, dir, specFile]);
    const done = await second.waitFor((l) => l.startsWith('done '), 'the sweep to finish', 400_000);
    expect(done, second.stderr()).toBe('done finished');
    expect((await second.exited).code).toBe(0);

    expect(killedWorker, 'a worker was killed mid-trial').not.toBeNull();
    const queued = readSweep(dir);
    // Every trial's validation losses, the promotions and the prunings: as in one process.
    expect(decisions(queued)).toEqual(decisions(local));
    expect(queued.best).toMatchObject({ trial: local.best!.trial, params: local.best!.params, value: local.best!.value });
    expect(queued.best!.test).toMatchObject({ loss: local.best!.test!.loss, accuracy: local.best!.test!.accuracy });

    // The killed worker's trial was resumed by another worker from its checkpoint, every epoch logged once.
    const killed = readReport(join(dir, killedWorker!.trial));
    expect(killed.resumes).toBeGreaterThanOrEqual(2);
    const { events } = await readRunDirectory(join(dir, killedWorker!.trial));
    const steps = events.flatMap((e) => (e.summary?.values ?? []).filter((v) => v.kind === 'scalar' && v.tag === 'val/loss').map(() => e.step));
    expect(steps.sort()).toEqual([1, 2, 3]);
    // Nothing trained twice: each worker trained each job at most once, and only the killed one's trial started twice.
    const starts = workers.flatMap((w) => w.lines.filter((l) => l.includes('"type":"start"')).map((l) => JSON.parse(l) as { job: string }));
    const byJob = new Map<string, number>();
    for (const s of starts) byJob.set(s.job, (byJob.get(s.job) ?? 0) + 1);
    expect([...byJob.values()].filter((n) => n > 1)).toEqual([2]);
    expect(byJob.size).toBe(12 + 4);

    const queueState = JSON.parse(readFileSync(join(dir, 'queue.json'), 'utf8')) as { counts: Record<string, number>; url: string };
    expect(queueState.counts).toMatchObject({ waiting: 0, active: 0, failed: 0 });
    expect(queueState.url).not.toContain(redis.password);
  }, 480_000);
});
