/** What keeps the server fast on a large logdir must not make it serve stale or wrong data. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createDashboardApp } from '../server/index.js';
import { ScalarsJsonCache } from '../server/scalars-cache.js';
import type { RunsResponse, ScalarsResponse } from '../server/types.js';
import { tempDir, writeForeignRun } from './fixtures.js';

describe('whole-series JSON cache', () => {
  it('serves a run\'s series again until the run changes, then the new points', async () => {
    const logdir = tempDir('dashboard-cache-');
    const { writer } = writeForeignRun(logdir, 'live', 3);
    const app = createDashboardApp({ logdir, scanIntervalMs: 0 });
    const first = (await request(app).get('/api/runs/live/scalars').expect(200).expect('content-type', /json/)).body as ScalarsResponse;
    expect(first.series['Loss/train']).toHaveLength(3);
    const res = await request(app).get('/api/runs/live/scalars').expect(200);
    expect(res.body as ScalarsResponse).toEqual(first);
    // Unchanged: a client holding the ETag gets 304.
    await request(app).get('/api/runs/live/scalars').set('If-None-Match', res.headers.etag!).expect(304);
    writer.scalar('Loss/train', 0.1, 4, { legacy: true });
    writer.flush();
    const next = (await request(app).get('/api/runs/live/scalars').expect(200)).body as ScalarsResponse;
    expect(next.series['Loss/train']).toHaveLength(4);
    expect(next.cursor).not.toBe(first.cursor);
    const onlyVal = (await request(app).get('/api/runs/live/scalars?tags=Loss/val').expect(200)).body as ScalarsResponse;
    expect(Object.keys(onlyVal.series)).toEqual(['Loss/val']);
    writer.close();
  });

  it('drops the least recently used entries beyond its size', () => {
    const cache = new ScalarsJsonCache(50);
    let builds = 0;
    const build = (n: number) => () => (builds++, { n, pad: 'xxxxxxxx' });
    cache.get('a', build(1));
    cache.get('b', build(2));
    expect(builds).toBe(2);
    cache.get('a', build(1));
    expect(builds).toBe(2);
    cache.get('c', build(3));
    // a was used after b: b went.
    cache.get('a', build(1));
    expect(builds).toBe(3);
    cache.get('b', build(2));
    expect(builds).toBe(4);
    expect(cache.get('x', () => ({ n: Number.NaN })).body.toString()).toBe('{"n":null}');
    expect(cache.get('x', () => ({})).etag).toMatch(/^W\/"/);
  });
});

describe('scanning in the background', () => {
  it('lists the runs of the last scan at once and finds a new run on a later request', async () => {
    const logdir = tempDir('dashboard-rescan-');
    writeForeignRun(logdir, 'a', 2).writer.close();
    const app = createDashboardApp({ logdir, scanIntervalMs: 20 });
    expect(((await request(app).get('/api/runs').expect(200)).body as RunsResponse).runs.map((r) => r.name)).toEqual(['a']);
    writeForeignRun(logdir, 'b', 2).writer.close();
    await expect.poll(async () => ((await request(app).get('/api/runs')).body as RunsResponse).runs.map((r) => r.name).sort(), { interval: 30 }).toEqual(['a', 'b']);
  });
});
