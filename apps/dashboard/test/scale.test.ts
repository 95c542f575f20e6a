/** What keeps the server fast on a large logdir must not make it serve stale or wrong data. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createDashboardApp } from '../server/index.js';
import { ScalarsJsonCache } from '../server/scalars-cache.js';
import { RunStore } from '../server/store.js';
import type { RunsResponse, ScalarsResponse } from '../server/types.js';
import { mergeRuns } from '../src/lib/runs-delta.js';
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
    const nan = cache.get('x', () => ({ n: Number.NaN }));
    expect('body' in nan && nan.body.toString()).toBe('{"n":null}');
    expect(cache.get('x', () => ({})).etag).toMatch(/^W\/"/);
  });

  it('keeps no answer estimated above one entry\'s size: it comes back as its value, to be streamed', () => {
    const cache = new ScalarsJsonCache(1000, 100);
    let builds = 0;
    const big = { points: Array.from({ length: 50 }, (_, i) => i) };
    const answer = cache.get('big', () => (builds++, big), (value) => 4 * (value as typeof big).points.length);
    expect(answer).toEqual({ value: big, etag: expect.stringMatching(/^W\/"/) });
    cache.get('big', () => (builds++, big), () => 200);
    expect(builds).toBe(2);
    // Estimated small but larger once serialised: served, not kept.
    const under = cache.get('under', () => (builds++, big), () => 10);
    expect('body' in under && JSON.parse(under.body.toString())).toEqual(big);
    cache.get('under', () => (builds++, big), () => 10);
    expect(builds).toBe(4);
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

describe('runs beyond the resident budget', () => {
  it('keep only their summaries, and are read again whole, with the same cursors, when asked for their points', async () => {
    const logdir = tempDir('dashboard-evict-');
    const writers = ['a', 'b', 'c'].map((name) => writeForeignRun(logdir, name, 6).writer);
    // 24 points a run: a budget of 30 holds one run at a time.
    const app = createDashboardApp({ logdir, scanIntervalMs: 0, residentPoints: 30 });
    const before = ((await request(app).get('/api/runs').expect(200)).body as RunsResponse).runs;
    expect(before.map((r) => r.name).sort()).toEqual(['a', 'b', 'c']);
    for (const name of ['a', 'b', 'c']) {
      const s = (await request(app).get(`/api/runs/${name}/scalars`).expect(200)).body as ScalarsResponse;
      expect(s.series['Loss/val']).toHaveLength(6);
      expect(s.cursor).toBe(before.find((r) => r.name === name)!.cursor);
    }
    // Reading c evicted a and b; the list is served from their summaries, unchanged.
    const again = ((await request(app).get('/api/runs').expect(200)).body as RunsResponse).runs;
    expect(again).toEqual(before);
    // An evicted run that grows is read again: a client's cursor gets only the new points.
    const cursorA = again.find((r) => r.name === 'a')!.cursor;
    writers[0]!.scalar('Loss/val', 0.5, 7, { legacy: true, wallTime: 1_700_000_070 });
    writers[0]!.flush();
    const grown = ((await request(app).get('/api/runs').expect(200)).body as RunsResponse).runs.find((r) => r.name === 'a')!;
    expect(grown.lastStep).toBe(7);
    expect(grown.cursor).not.toBe(cursorA);
    const delta = (await request(app).get(`/api/runs/a/scalars?since=${cursorA}`).expect(200)).body as ScalarsResponse;
    expect(delta.reset).toBe(false);
    expect(delta.series).toEqual({ 'Loss/val': [{ step: 7, wallTime: 1_700_000_070, value: 0.5 }] });
    for (const w of writers) w.close();
    // The store itself: one run's points held at a time, the others summaries only.
    const store = new RunStore(logdir, { scanIntervalMs: 0, residentPoints: 30 });
    expect((await store.list()).runs).toHaveLength(3);
    expect((await store.all()).filter((run) => run.isLoaded)).toHaveLength(1);
  });
});

describe('GET /api/runs?since=', () => {
  it('sends only the runs changed, added or removed since a version, and a merge equals the whole list', async () => {
    const logdir = tempDir('dashboard-since-');
    const a = writeForeignRun(logdir, 'a', 3).writer;
    writeForeignRun(logdir, 'b', 3).writer.close();
    const app = createDashboardApp({ logdir, scanIntervalMs: 0 });
    const list = async (since?: string) => (await request(app).get(`/api/runs${since ? `?since=${encodeURIComponent(since)}` : ''}`).expect(200)).body as RunsResponse;
    const full = await list();
    expect(full.delta).toBe(false);
    let held = full.runs;
    const quiet = await list(full.version);
    expect(quiet).toMatchObject({ delta: true, runs: [], removed: [], total: 2 });

    a.scalar('Loss/val', 0.5, 4, { legacy: true, wallTime: 1_700_000_040 });
    a.flush();
    writeForeignRun(logdir, 'c', 2).writer.close();
    const changed = await list(quiet.version);
    expect(changed.runs.map((r) => r.name).sort()).toEqual(['a', 'c']);
    held = mergeRuns(held, changed);
    expect(held).toEqual((await list()).runs);

    rmSync(join(logdir, 'b'), { recursive: true });
    const removed = await list(changed.version);
    expect(removed).toMatchObject({ runs: [], removed: ['b'] });
    held = mergeRuns(held, removed);
    expect(held).toEqual((await list()).runs);
    expect(held.map((r) => r.name).sort()).toEqual(['a', 'c']);

    // Another server's version (or a made-up one): the whole list.
    const foreign = await list('abc123.1');
    expect(foreign.delta).toBe(false);
    expect(foreign.runs).toHaveLength(2);
    a.close();
  });
});
