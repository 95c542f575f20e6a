/** Complexity is computed in a worker thread: the server keeps answering while models are built. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../server/index.js';
import type { ComplexityResponse, RunsResponse } from '../server/types.js';
import { tempDir, writeCnnlabRun } from './fixtures.js';
import { createDashboardApp } from '../server/index.js';

let dashboard: Dashboard;
const logdir = tempDir('dashboard-complexity-');

beforeAll(async () => {
  writeCnnlabRun(logdir, 'lenet-a');
  dashboard = await startDashboard({ logdir, port: 0, scanIntervalMs: 0 });
});
afterAll(() => dashboard?.close());

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(new URL(path, dashboard.url));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

describe('complexity off the request path', () => {
  it('answers /api/runs again and again while a model is being built for /api/complexity', async () => {
    await get<RunsResponse>('/api/runs');
    // Architecture packages imported beforehand: what follows is building the model only.
    await get('/api/architectures');
    let done = false;
    const complexity = get<ComplexityResponse>('/api/complexity?names=alexnet-d2l').finally(() => (done = true));
    let answeredMeanwhile = 0;
    while (!done) {
      const runs = await get<RunsResponse>('/api/runs');
      expect(runs.runs.map((r) => r.name)).toEqual(['lenet-a']);
      if (!done) answeredMeanwhile++;
    }
    const body = await complexity;
    expect(body.failed).toEqual([]);
    expect(body.rows.map((r) => r.name)).toEqual(['alexnet-d2l']);
    expect(body.rows[0]!.params).toBeGreaterThan(1e6);
    // Built in a worker: the run list kept being served (a model built on the server's own thread answers none).
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(3);
  });

  it('measures every model at one common input size with ?input=', async () => {
    const own = await get<ComplexityResponse>('/api/complexity?names=lenet');
    const at64 = await get<ComplexityResponse>('/api/complexity?names=lenet&input=64');
    expect(own.inputSize).toBeNull();
    expect(own.rows[0]!.input).toEqual([1, 28, 28]);
    expect(at64.inputSize).toBe(64);
    expect(at64.rows[0]!.input).toEqual([1, 64, 64]);
    expect(at64.rows[0]!.macs).toBeGreaterThan(own.rows[0]!.macs);
  });

  it('rejects an input size that is not an image side', async () => {
    const app = createDashboardApp({ logdir });
    const res = await request(app).get('/api/complexity?input=3').expect(400);
    expect(res.body.error).toMatch(/input must be an image side from 8 to 1024 pixels/);
  });

  it('reports a model that cannot be built at the common size, and keeps the others', async () => {
    const body = await get<ComplexityResponse>('/api/complexity?names=lenet,alexnet-d2l&input=16');
    expect(body.rows.map((r) => r.name)).toEqual(['lenet']);
    expect(body.failed.map((f) => f.name)).toEqual(['alexnet-d2l']);
  });
});

describe('the worker\'s queue', () => {
  it('answers a summary before the rows of a comparison asked for earlier', async () => {
    const order: string[] = [];
    const rows = get<ComplexityResponse>('/api/complexity?names=resnet18-d2l,densenet-d2l,googlenet-d2l&input=96').then(() => order.push('rows'));
    const summary = get('/api/architectures/nin/summary?depth=1').then(() => order.push('summary'));
    await Promise.all([rows, summary]);
    expect(order).toEqual(['summary', 'rows']);
  });
});
