import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { SummaryWriter } from '@cnnlab/tfevents';
import { createDashboardApp } from '../server/index.js';
import { minMaxDownsample } from '../server/downsample.js';
import type { RunsResponse, ScalarsResponse } from '../server/types.js';
import { tempDir, writeCnnlabRun } from './fixtures.js';

const logdir = tempDir('dashboard-scale-api-');
const N = 20_000;
/** A noisy falling loss with one spike at step 12,345 and one dip at step 777. */
const value = (step: number) => (step === 12_345 ? 50 : step === 777 ? -5 : 2 / (1 + step / 1000) + 0.01 * Math.sin(step));
let app: ReturnType<typeof createDashboardApp>;

beforeAll(() => {
  const writer = new SummaryWriter(join(logdir, 'long'), { flushIntervalMs: 0 });
  for (let step = 0; step < N; step++) writer.scalar('batch/loss', value(step), step, { wallTime: 1_700_000_000 + step });
  writer.close();
  for (let i = 0; i < 12; i++) writeCnnlabRun(logdir, `many/run-${String(i).padStart(2, '0')}`, { startedAt: `2025-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` });
  app = createDashboardApp({ logdir, clientDir: join(logdir, 'no-client'), scanIntervalMs: 0 });
});

const scalars = async (query: string) => (await request(app).get(`/api/runs/long/scalars${query}`).expect(200)).body as ScalarsResponse;

describe('downsampled scalars', () => {
  it('sends at most ?points= points per tag, keeping the first, last, lowest and highest, and says how many there were', async () => {
    const full = await scalars('');
    expect(full.series['batch/loss']).toHaveLength(N);
    expect(full.sampling).toBeUndefined();
    const small = await scalars('?points=800');
    const pts = small.series['batch/loss']!;
    expect(pts.length).toBeLessThanOrEqual(800);
    expect(pts.length).toBeGreaterThan(700);
    expect(small.sampling).toMatchObject({ method: 'min-max per bucket', points: 800, totals: { 'batch/loss': N } });
    expect(pts[0]!.step).toBe(0);
    expect(pts.at(-1)!.step).toBe(N - 1);
    expect(pts.find((p) => p.step === 12_345)?.value).toBe(50);
    expect(pts.find((p) => p.step === 777)?.value).toBe(-5);
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.step).toBeGreaterThan(pts[i - 1]!.step);
    const rawBytes = JSON.stringify(full).length;
    const smallBytes = JSON.stringify(small).length;
    expect(smallBytes * 20).toBeLessThan(rawBytes);
  });

  it('gives full resolution inside a zoom range (?from=&to=), downsampled there too with ?points=', async () => {
    const zoom = await scalars('?from=1000&to=1999');
    expect(zoom.series['batch/loss']!.map((p) => p.step)).toEqual(Array.from({ length: 1000 }, (_, i) => 1000 + i));
    const zoomed = await scalars('?from=1000&to=1999&points=100');
    expect(zoomed.series['batch/loss']!.length).toBeLessThanOrEqual(100);
    expect(zoomed.sampling!.totals['batch/loss']).toBe(1000);
  });

  it('keeps a NaN (divergence) in its bucket', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ step: i, wallTime: i, value: i === 500 ? Number.NaN : 1 }));
    expect(minMaxDownsample(pts, 20).some((p) => Number.isNaN(p.value))).toBe(true);
  });

  it('refuses bad values naming the parameter', async () => {
    for (const [query, name] of [['?points=abc', 'points'], ['?points=2', 'points'], ['?from=x', 'from'], ['?from=5&to=1', 'from']] as const) {
      const res = await request(app).get(`/api/runs/long/scalars${query}`).expect(400);
      expect(res.body.error, query).toMatch(new RegExp(`^${name}`));
    }
    const res = await request(app).get('/api/complexity?all=abc').expect(400);
    expect(res.body.error).toMatch(/^all must be 1 or 0/);
    expect((await request(app).get('/api/runs?limit=0').expect(400)).body.error).toMatch(/^limit/);
    expect((await request(app).get('/api/runs?offset=-1').expect(400)).body.error).toMatch(/^offset/);
  });
});

/** The raw bytes and headers of a GET, not decompressed. */
function rawGet(port: number, path: string, encoding: string): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('compression', () => {
  it('gzips or brotli-compresses when asked, and not otherwise', async () => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const plain = await rawGet(port, '/api/runs/long/scalars', 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      for (const [encoding, decode] of [['gzip', gunzipSync], ['br', brotliDecompressSync]] as const) {
        const res = await rawGet(port, '/api/runs/long/scalars', encoding);
        expect(res.headers['content-encoding']).toBe(encoding);
        expect(res.body.length * 4).toBeLessThan(plain.body.length);
        expect(decode(res.body).equals(plain.body)).toBe(true);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('GET /api/runs pages', () => {
  it('pages with ?offset=&limit=, newest first, with the total', async () => {
    const all = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    const page = (await request(app).get('/api/runs?offset=2&limit=3').expect(200)).body as RunsResponse;
    expect(page.total).toBe(all.runs.length);
    expect(page.offset).toBe(2);
    expect(page.runs.map((r) => r.name)).toEqual(all.runs.slice(2, 5).map((r) => r.name));
    expect(page.loading).toBe(false);
  });

  it('answers a cold scan at once with the runs read so far (at least one) and loading: true, then everything', async () => {
    // Enough runs that the scan (fast on scalars-only records) cannot have read them all by the first answer.
    const coldLogdir = tempDir('dashboard-cold-');
    const RUNS = 80;
    for (let i = 0; i < RUNS; i++) writeCnnlabRun(coldLogdir, `cold/run-${String(i).padStart(2, '0')}`);
    const cold = createDashboardApp({ logdir: coldLogdir, clientDir: join(coldLogdir, 'no-client'), firstPageMs: 0 });
    const first = (await request(cold).get('/api/runs').expect(200)).body as RunsResponse;
    expect(first.loading).toBe(true);
    expect(first.runs.length).toBeLessThan(RUNS);
    // Never an empty first screen while runs are being read: it waits for the first one.
    expect(first.runs.length).toBeGreaterThanOrEqual(1);
    let last = first;
    for (let i = 0; i < 200 && last.loading; i++) {
      await new Promise((r) => setTimeout(r, 50));
      last = (await request(cold).get('/api/runs').expect(200)).body as RunsResponse;
    }
    expect(last.loading).toBe(false);
    expect(last.runs).toHaveLength(RUNS);
  });
});
