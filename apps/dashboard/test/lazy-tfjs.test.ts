/**
 * The server that lists and draws runs loads no TensorFlow.js (tens of MiB of RSS at 10k runs): it reads runs
 * through the tfjs-free entries `@cnnlab/trainer/records`, `@cnnlab/search/records` and `@cnnlab/analysis/fit`,
 * and imports the model registry only for the routes that build models (architectures, complexity, costs).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '@cnnlab/search';
import { tempDir, writeCnnlabRun } from './fixtures.js';

const logdir = tempDir('dashboard-lazy-tfjs-');
const RUN = encodeURIComponent('lenet-a');
const SWEEP = encodeURIComponent('sweeps/lr');

beforeAll(async () => {
  writeCnnlabRun(logdir, 'lenet-a');
  await runSweep({
    name: 'lr', method: 'grid', metric: 'valLoss',
    base: { arch: 'lenet', epochs: 1, dataset: { limit: 200 }, batchSize: 32, logEveryBatches: 0 },
    parameters: { lr: { values: [0.05, 0.2] } },
  }, { dir: join(logdir, 'sweeps', 'lr') });
}, 120_000);

function probe(paths: string[]): { path: string; status: number; tfjs: boolean }[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', join(import.meta.dirname, 'helpers', 'tfjs-probe-child.ts'), logdir, ...paths], { encoding: 'utf8', timeout: 90_000 });
  if (child.status !== 0) throw new Error(`probe exited with ${child.status ?? child.signal}: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

describe('the dashboard server without TensorFlow.js', () => {
  it('lists runs, serves their curves, diagnosis, hparams and the sweeps without loading it, and loads it for the architectures', () => {
    const reading = [
      '/api/runs', '/api/runs?limit=1', `/api/runs/${RUN}/scalars`, `/api/runs/${RUN}/diagnosis`, `/api/runs/${RUN}/hparams`,
      `/api/runs/${RUN}/confusion`, `/api/runs/${RUN}/export.csv`, '/api/hparams', '/api/sweeps', `/api/sweeps/${SWEEP}`, '/api/searches',
      `/api/sweeps/${SWEEP}/queue`,
    ];
    const seen = probe([...reading, '/api/architectures']);
    expect(seen.map((s) => s.path)).toEqual(['(started)', ...reading, '/api/architectures']);
    for (const s of seen.slice(1, -1)) expect(s.status, s.path).toBeLessThan(500);
    expect(seen.find((s) => s.path === '/api/runs')!.status).toBe(200);
    expect(seen.find((s) => s.path === `/api/sweeps/${SWEEP}`)!.status).toBe(200);
    expect(seen.slice(0, -1).filter((s) => s.tfjs).map((s) => s.path)).toEqual([]);
    // The probe does see tfjs once a route needs the registry.
    expect(seen.at(-1)).toEqual({ path: '/api/architectures', status: 200, tfjs: true });
  });
});
