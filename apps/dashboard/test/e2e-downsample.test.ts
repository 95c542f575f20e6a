/**
 * Long curves in a real browser (see browser.ts): five runs of 100,000 per-batch points each. Curves fetches them
 * min/max-downsampled (CURVE_POINTS per tag, compressed), draws a bounded number of vertices, hovers over them, and
 * fetches full resolution inside a zoom. Times are measured in the page and printed, not asserted.
 */
import { get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { SummaryWriter } from '@cnnlab/tfevents';
import type { Dashboard } from '../server/index.js';
import { CURVE_POINTS } from '../src/lib/api.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, type BrowserSession } from './browser.js';
import { writeCnnlabRun } from './fixtures.js';
import { curve } from './scale-fixture.js';

if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's long-curve browser tests. ${MISSING_CHROMIUM}`);

const POINTS = 100_000;
const LONG_RUNS = Array.from({ length: 5 }, (_, i) => `long/run-${i}`);
const TAG = 'batch/train_loss';
const curvesHash = (runs: string[]) => `#/curves?runs=${runs.map((r) => encodeURIComponent(r)).join(',')}`;
/** Vertices of an SVG path: its move and line commands. */
const vertices = (d: string) => (d.match(/[ML]/g) ?? []).length;

/** GET with Accept-Encoding: gzip; the body's size on the wire and unzipped. */
function gzipSizes(url: string): Promise<{ wire: number; raw: number; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        if (res.statusCode !== 200) return reject(new Error(`GET ${url}: ${res.statusCode} ${body.toString()}`));
        resolve({ wire: body.length, raw: (encoding === 'gzip' ? gunzipSync(body) : body).length, encoding });
      });
    }).on('error', reject);
  });
}

/** Five runs of POINTS per-batch losses each. */
function writeLongRuns(logdir: string): void {
  LONG_RUNS.forEach((name, i) => {
    const dir = writeCnnlabRun(logdir, name, { history: curve({ seed: i + 1 }), startedAt: `2025-03-0${i + 1}T00:00:00.000Z` });
    const w = new SummaryWriter(dir, { flushIntervalMs: 0, filenameSuffix: '.batches' });
    // A noisy falling loss with one spike per run, which downsampling must keep.
    for (let step = 1; step <= POINTS; step++) {
      const spike = step === 30_000 + 7_919 * i ? 5 : 0;
      w.scalar(TAG, 1.5 * Math.exp(-step / 20_000) + 0.3 + 0.05 * Math.sin(step * (0.7 + i)) + spike, step, { wallTime: 1_740_000_000 + step / 100 });
    }
    w.close();
  });
}

describe.runIf(runBrowserTests)('long curves, downsampled, in a browser', () => {
  let session: BrowserSession | undefined;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let pageErrors: string[] = [];
  const batchChart = (): Locator => page.locator('[data-testid=scalar-chart]').filter({ has: page.locator('figcaption', { hasText: TAG }) });

  beforeAll(async () => {
    session = await browserSession('e2e-downsample', { writeRuns: writeLongRuns });
    ({ dashboard, page, errors: pageErrors } = session);
  }, 300_000);
  afterAll(() => session?.close());

  it('sends a 100k-point run downsampled to CURVE_POINTS per tag, gzipped, spikes kept', async () => {
    const run = encodeURIComponent(LONG_RUNS[0]!);
    const sampled = await gzipSizes(`${dashboard!.url}api/runs/${run}/scalars?points=${CURVE_POINTS}&tags=${encodeURIComponent(TAG)}`);
    const full = await gzipSizes(`${dashboard!.url}api/runs/${run}/scalars?tags=${encodeURIComponent(TAG)}`);
    console.log(`100k-point run, ${TAG}: full ${(full.raw / 2 ** 20).toFixed(2)} MiB raw, ${(full.wire / 2 ** 10).toFixed(0)} KiB gzip; ` +
      `downsampled to ${CURVE_POINTS}: ${(sampled.raw / 2 ** 10).toFixed(0)} KiB raw, ${(sampled.wire / 2 ** 10).toFixed(1)} KiB gzip`);
    expect(sampled.encoding).toBe('gzip');
    // About 60 bytes of JSON a point: the payload follows the points sent, not the points logged.
    expect(sampled.raw).toBeLessThan(CURVE_POINTS * 100);
    expect(sampled.wire).toBeLessThan(sampled.raw / 2);
    expect(full.raw).toBeGreaterThan(20 * sampled.raw);
    const body = await (await fetch(`${dashboard!.url}api/runs/${run}/scalars?points=${CURVE_POINTS}&tags=${encodeURIComponent(TAG)}`)).json() as { series: Record<string, { value: number }[]> };
    expect(Math.max(...body.series[TAG]!.map((p) => p.value))).toBeGreaterThan(5);
  });

  it('draws 5 × 100k-point runs with a bounded number of vertices, and hovers over them', async () => {
    const started = Date.now();
    await page.goto(`${dashboard!.url}${curvesHash(LONG_RUNS)}`);
    await page.reload();
    const chart = batchChart();
    await expect.poll(() => chart.getByTestId('series-path').count(), { timeout: 60_000 }).toBe(LONG_RUNS.length);
    const loadMs = Date.now() - started;
    const drawn = await chart.getByTestId('series-path').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
    const total = drawn.reduce((n, d) => n + vertices(d), 0);
    for (const d of drawn) {
      expect(vertices(d)).toBeLessThanOrEqual(CURVE_POINTS);
      expect(vertices(d)).toBeGreaterThan(CURVE_POINTS / 2);
    }
    // Every request Curves made was downsampled.
    const requests = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/scalars')));
    expect(requests.length).toBeGreaterThanOrEqual(LONG_RUNS.length);
    for (const r of requests) expect(r).toContain(`points=${CURVE_POINTS}`);

    await chart.scrollIntoViewIfNeeded();
    const overlay = chart.getByTestId('chart-overlay');
    // Ten hover moves, each timed from the event to the tooltip laid out after Svelte's update.
    const perMove = await overlay.evaluate(async (el) => {
      const rect = el.getBoundingClientRect();
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        el.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: rect.left + rect.width * (0.1 + 0.08 * i), clientY: rect.top + rect.height / 2 }));
        await new Promise((r) => setTimeout(r, 0));
        el.closest('figure')?.querySelector('[data-testid=chart-tooltip]')?.getBoundingClientRect();
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b);
    });
    const tooltip = chart.getByTestId('chart-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.getByTestId('tooltip-row').count()).toBe(LONG_RUNS.length);
    console.log(`5 × 100k-point runs: ${total} vertices drawn on ${TAG} (of ${LONG_RUNS.length * POINTS} points), ` +
      `page to curves ${loadMs} ms, hover median ${perMove[5]!.toFixed(1)} ms, max ${perMove[9]!.toFixed(1)} ms per move`);
  });

  it('fetches full resolution inside a zoom, and the coarse curve again on reset', async () => {
    const chart = batchChart();
    const box = (await chart.getByTestId('chart-overlay').boundingBox())!;
    const drag = async (a: number, b: number) => {
      await page.mouse.move(box.x + box.width * a, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * ((a + b) / 2), box.y + box.height / 2, { steps: 2 });
      await page.mouse.move(box.x + box.width * b, box.y + box.height / 2, { steps: 2 });
      await page.mouse.up();
    };
    // A fifth of the steps (20,000: downsampled again), then a twentieth of that (~1,000: every point).
    let asked = page.waitForRequest((r) => r.url().includes('/scalars') && r.url().includes('from='));
    await drag(0.4, 0.6);
    await asked;
    // (The other runs' requests for the first zoom may still be on their way.)
    const span = (u: URL) => Number(u.searchParams.get('to')) - Number(u.searchParams.get('from'));
    asked = page.waitForRequest((r) => r.url().includes('/scalars') && r.url().includes('from=') && span(new URL(r.url())) < 10_000);
    await drag(0.45, 0.5);
    const url = new URL((await asked).url());
    expect(url.searchParams.get('tags')).toBe(TAG);
    const [from, to] = [Number(url.searchParams.get('from')), Number(url.searchParams.get('to'))];
    expect(to - from).toBeGreaterThan(500);
    expect(to - from).toBeLessThan(CURVE_POINTS);
    const inZoom = async () => (await chart.getByTestId('series-path').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''))).map(vertices);
    // Each line now has a vertex for every step of the zoom (plus the coarse points outside it).
    await expect.poll(async () => Math.min(...(await inZoom())), { timeout: 20_000 }).toBeGreaterThan(to - from);
    await chart.getByTestId('zoom-reset').click();
    await expect.poll(async () => Math.max(...(await inZoom()))).toBeLessThanOrEqual(CURVE_POINTS);
  });

  it('logged no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
