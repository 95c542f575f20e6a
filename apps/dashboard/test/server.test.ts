import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../server/index.js';
import { tempDir, writeCnnlabRun } from './fixtures.js';

const logdir = tempDir();
const client = tempDir('dashboard-client-');
writeCnnlabRun(logdir, 'lenet-a');
mkdirSync(join(client, 'assets'));
writeFileSync(join(client, 'index.html'), '<!doctype html><title>built client</title><div id="app"></div>');
writeFileSync(join(client, 'assets', 'index-abc.js'), 'console.log(1)');

const started: Dashboard[] = [];
afterAll(() => Promise.all(started.map((d) => d.close())));

describe('startDashboard', () => {
  it('serves the API and the built client on 127.0.0.1 (port 0: any free port)', async () => {
    const d = await startDashboard({ logdir, port: 0, clientDir: client });
    started.push(d);
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const runs = await fetch(`${d.url}api/runs`);
    expect(runs.status).toBe(200);
    expect((await runs.json()).runs.map((r: { name: string }) => r.name)).toEqual(['lenet-a']);
    const page = await fetch(d.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('built client');
    // Client-side routes get the page too; assets are served with long caching.
    expect(await (await fetch(`${d.url}curves`)).text()).toContain('built client');
    const asset = await fetch(`${d.url}assets/index-abc.js`);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${d.url}api/runs/nope/scalars`)).status).toBe(404);
  });

  it('says clearly when the port is taken', async () => {
    const first = await startDashboard({ logdir, port: 0 });
    started.push(first);
    await expect(startDashboard({ logdir, port: first.port })).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is already in use`);
  });

  it('rejects an invalid port, and closes cleanly (twice is fine)', async () => {
    await expect(startDashboard({ logdir, port: 70000 })).rejects.toThrow(/Invalid port 70000/);
    const d = await startDashboard({ logdir, port: 0 });
    await d.close();
    await d.close();
    await expect(fetch(`${d.url}api/runs`)).rejects.toThrow();
  });
});

describe('startDashboard with heapLimitMb (a worker thread with a capped heap)', () => {
  it('serves the same API from the worker, reports a taken port, and closes the worker', async () => {
    const inProcess = await startDashboard({ logdir, port: 0 });
    started.push(inProcess);
    const capped = await startDashboard({ logdir, port: 0, clientDir: client, heapLimitMb: 96 });
    // Cursors name the serving instance (an earlier server's must not match): all else is the same.
    const runs = async (d: Dashboard) =>
      ((await (await fetch(`${d.url}api/runs`)).json()) as { runs: { name: string; cursor?: string }[] }).runs.map(({ cursor: _cursor, ...rest }) => rest);
    expect(await runs(capped)).toEqual(await runs(inProcess));
    expect((await runs(capped)).map((r) => r.name)).toEqual(['lenet-a']);
    expect(await (await fetch(capped.url)).text()).toContain('built client');
    await expect(startDashboard({ logdir, port: capped.port, heapLimitMb: 96 })).rejects.toThrow(`Port ${capped.port} on 127.0.0.1 is already in use`);
    await expect(startDashboard({ logdir, port: 0, heapLimitMb: 8 })).rejects.toThrow('Invalid heap limit 8 MiB');
    await capped.close();
    await capped.close();
    await expect(fetch(`${capped.url}api/runs`)).rejects.toThrow();
  });
});
