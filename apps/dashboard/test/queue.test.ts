// @vitest-environment jsdom
/** The Sweeps and Design-space views' queue panel: GET /api/{sweeps,searches}/:study/queue from queue.json, and its rendering. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render, screen, waitFor } from '@testing-library/svelte';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueSnapshot } from '@cnnlab/search';
import { createDashboardApp } from '../server/index.js';
import type { QueueResponse } from '../server/queue.js';
import QueuePanel from '../src/components/QueuePanel.svelte';
import { tempDir } from './fixtures.js';

const SNAPSHOT: QueueSnapshot = {
  version: 1, url: 'rediss://ci:hunter2@redis.example:6380/0', queue: 'cnnlab-sweep-sweeps_lr-0123456789', updatedAt: '2026-12-01T10:00:00.000Z',
  counts: { waiting: 3, active: 2, done: 5, failed: 1, retried: 1 },
  jobs: [
    { id: 't_trial-000', name: 'trial-000', state: 'done', worker: 'gpu-box:41', attempts: 1, epoch: 2, epochs: 2 },
    { id: 't_trial-001', name: 'trial-001', state: 'active', worker: 'gpu-box:41', attempts: 2, epoch: 1, epochs: 2 },
    { id: 't_trial-002', name: 'trial-002', state: 'active', worker: 'laptop:7', attempts: 1, epoch: 0, epochs: 2 },
    { id: 't_trial-003', name: 'trial-003', state: 'waiting', worker: null, attempts: 0, epoch: null, epochs: 2 },
  ],
  foreign: [{ id: 'junk', message: 'unknown job: format undefined (this worker reads format 1)' }],
};

describe('GET /api/sweeps/:sweep/queue', () => {
  const logdir = tempDir('dashboard-queue-');
  mkdirSync(join(logdir, 'sweeps', 'lr'), { recursive: true });
  mkdirSync(join(logdir, 'search', 'ae'), { recursive: true });
  writeFileSync(join(logdir, 'sweeps', 'lr', 'queue.json'), JSON.stringify(SNAPSHOT));
  const app = createDashboardApp({ logdir });

  it('answers the study\'s queue.json without the password; null for a study that never ran on a queue', async () => {
    const res = await request(app).get('/api/sweeps/sweeps%2Flr/queue').expect(200);
    const body = res.body as QueueResponse;
    expect(body.queue!.counts).toEqual(SNAPSHOT.counts);
    expect(body.queue!.url).toBe('rediss://ci:***@redis.example:6380/0');
    expect(res.text).not.toContain('hunter2');
    expect((await request(app).get('/api/searches/search%2Fae/queue').expect(200)).body).toEqual({ study: 'search/ae', queue: null });
  });

  it('refuses paths outside the logdir and names unknown studies', async () => {
    expect((await request(app).get('/api/sweeps/..%2F..%2Fetc/queue').expect(403)).body.error).toMatch(/leaves the logdir/);
    expect((await request(app).get('/api/sweeps/nope/queue').expect(404)).body.error).toMatch(/Unknown sweep "nope"/);
  });
});

describe('QueuePanel', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows waiting, active (on which worker), done, failed and retried trials', async () => {
    const fetchMock = vi.fn(async (_input: RequestInfo | URL) => new Response(JSON.stringify({ study: 'sweeps/lr', queue: { ...SNAPSHOT, url: 'rediss://ci:***@redis.example:6380/0' } }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    render(QueuePanel, { kind: 'sweep', study: 'sweeps/lr' });
    await waitFor(() => expect(screen.getByTestId('queue-panel')).toBeTruthy());
    expect(String(fetchMock.mock.calls[0]![0])).toBe('/api/sweeps/sweeps%2Flr/queue');
    const counts = Object.fromEntries(screen.getAllByTestId('queue-count').map((e) => [e.dataset.state, e.textContent!.trim()]));
    expect(counts).toEqual({ waiting: '3 waiting', active: '2 active', done: '5 done', failed: '1 failed', retried: '1 retried' });
    const active = screen.getByTestId('queue-active').textContent!;
    expect(active).toMatch(/trial-001\s*gpu-box:41\s*1 \/ 2\s*2/);
    expect(active).toMatch(/trial-002\s*laptop:7/);
    expect(active).not.toContain('trial-003');
    expect(screen.getByTestId('queue-retried').textContent).toContain('trial-001 ×2');
    expect(screen.getByTestId('queue-failed').textContent).toBe('junk: unknown job: format undefined (this worker reads format 1)');
  });

  it('shows nothing for a study that never ran on a queue', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ study: 'search/ae', queue: null }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const { container } = render(QueuePanel, { kind: 'search', study: 'search/ae' });
    await waitFor(() => expect(fetchMock).toHaveBeenCalledWith('/api/searches/search%2Fae/queue', expect.anything()));
    expect(container.querySelector('[data-testid="queue-panel"]')).toBeNull();
  });
});
