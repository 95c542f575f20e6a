/**
 * The Runs table and Curves as a W&B or TensorBoard user reaches for them, in a real browser (see browser.ts): config
 * columns and an expression filter kept in the URL, view settings surviving a reload, 30 runs drawn distinguishably,
 * the curves above the fold, a per-batch chart that keeps its own units under an epoch zoom, and an interrupted run's
 * provisional card. Screenshots go to $SCREENSHOTS_DIR (default apps/dashboard/screenshots/).
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SummaryWriter } from '@cnnlab/tfevents';
import type { Dashboard } from '../server/index.js';
import { contrastRatio, deltaE } from '../src/lib/color-metrics.js';
import { LEGEND_GREY } from '../src/lib/run-style.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, SCREENSHOTS, type BrowserSession } from './browser.js';
import { writeCnnlabRun } from './fixtures.js';
import { curve } from './scale-fixture.js';

if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's view-state browser tests. ${MISSING_CHROMIUM}`);

const GRID = Array.from({ length: 30 }, (_, i) => `grid/run-${String(i).padStart(2, '0')}`);
const lrOf = (i: number) => Number((0.3 * 0.75 ** i).toPrecision(3));
const BATCH_RUN = 'batches/lenet-batch';
const KILLED = 'killed/lenet-killed';
const curvesHash = (runs: string[], extra = '') => `#/curves?runs=${runs.map((r) => encodeURIComponent(r)).join(',')}${extra}`;

/** 30 runs in a grid of settings, a run with a per-batch loss, and one whose trainer died. */
function writeViewRuns(logdir: string): void {
  GRID.forEach((name, i) => writeCnnlabRun(logdir, name, {
    history: curve({ seed: i + 1, floor: 0.3 + 0.01 * i, overfitFrom: i % 4 === 0 ? 7 : undefined }),
    config: { lr: lrOf(i), batchSize: [64, 128, 256][i % 3]!, optimizer: i % 2 ? 'adam' : 'sgd' },
    startedAt: `2025-02-01T${String(i % 24).padStart(2, '0')}:00:00.000Z`,
  }));
  // A run with a per-batch loss: 20 batches an epoch, steps counted in batches.
  const dir = writeCnnlabRun(logdir, BATCH_RUN, { history: curve({ seed: 99, overfitFrom: 8 }) });
  const w = new SummaryWriter(dir, { flushIntervalMs: 0, filenameSuffix: '.batches' });
  for (let step = 1; step <= 12 * 20; step++) w.scalar('batch/train_loss', 1.5 * Math.exp(-step / 80) + 0.3, step, { wallTime: 1_738_000_000 + step });
  w.close();
  // A run whose trainer died: report.json says running, untouched for minutes, no live process.
  const killed = writeCnnlabRun(logdir, KILLED, { history: curve({ seed: 5, epochs: 6 }), status: 'running' });
  const old = new Date(Date.now() - 10 * 60_000);
  utimesSync(join(killed, 'report.json'), old, old);
}

describe.runIf(runBrowserTests)('runs table and curves views, in a browser', () => {
  let session: BrowserSession | undefined;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let pageErrors: string[] = [];
  const goto = async (hash: string) => {
    await page.goto(`${dashboard!.url}${hash}`);
    await page.reload();
  };

  beforeAll(async () => {
    session = await browserSession('e2e-views', { writeRuns: writeViewRuns });
    ({ dashboard, page, errors: pageErrors } = session);
  }, 180_000);
  afterAll(() => session?.close());

  it('shows config keys as columns and filters by an expression, both kept in the URL', async () => {
    await goto(`#/runs?cols=lr,batch_size,optimizer&where=${encodeURIComponent('lr<0.05 && optimizer == "adam"')}`);
    await page.locator('[data-testid=extra-column][data-field=lr]').waitFor();
    await expect.poll(() => page.locator('[data-testid=extra-cell][data-field=lr]').count()).toBeGreaterThan(0);
    const expected = GRID.filter((_, i) => lrOf(i) < 0.05 && i % 2 === 1);
    await expect.poll(async () => (await page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')))).sort()).toEqual(expected);
    for (const row of await page.getByTestId('run-row').all()) {
      expect(Number(await row.locator('[data-testid=extra-cell][data-field=lr]').getAttribute('title'))).toBeLessThan(0.05);
      expect(await row.locator('[data-testid=extra-cell][data-field=optimizer]').textContent()).toBe('adam');
    }
    // A new expression goes into the address bar; a bad one says where it is wrong.
    await page.getByTestId('runs-where').fill('batch_size >= 256 && val_acc > 0');
    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain('where=batch_size >= 256 && val_acc > 0');
    // 10 of the grid, and the two runs with the default batch size (256).
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(12);
    await page.getByTestId('runs-where').fill('lr < (0.1');
    expect(await page.getByTestId('runs-where-error').textContent()).toMatch(/Expected "\)"/);
    await page.getByTestId('runs-where').fill('');
    // Sorting by a config column.
    await page.getByTestId('runs-group-by').selectOption('-');
    await page.getByTestId('sort-x:lr').click();
    await expect.poll(() => page.getByTestId('run-row').first().getAttribute('data-run')).toBe(GRID[0]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-config-columns.png') });
  });

  it('groups the runs by a hyper-parameter, and draws each value\'s mean ± sd in Curves', async () => {
    await goto('#/runs?group=optimizer');
    await expect.poll(() => page.getByTestId('group-row').evaluateAll((g) => g.map((e) => e.getAttribute('data-group')).sort())).toEqual(['adam', 'sgd']);
    const sgd = GRID.filter((_, i) => i % 2 === 0).slice(0, 3);
    const adam = GRID.filter((_, i) => i % 2 === 1).slice(0, 3);
    await goto(curvesHash([...sgd, ...adam], '&group=optimizer'));
    const loss = page.getByTestId('loss-chart');
    await expect.poll(() => loss.getByTestId('series-band').count()).toBe(4);
    expect(await loss.getByTestId('series-path').count()).toBe(4);
    const legend = await loss.getByTestId('legend-item').allTextContents();
    expect(legend.filter((l) => /optimizer = (adam|sgd): mean of 3 runs/.test(l))).toHaveLength(2);
  });

  it('keeps smoothing, horizontal axis and tag filter over a reload', async () => {
    await goto(curvesHash([GRID[1]!]));
    await page.getByTestId('diagnosis').waitFor();
    await page.getByTestId('smoothing').fill('0.6');
    await page.getByTestId('x-axis').selectOption('relative');
    await page.getByTestId('tag-filter').fill('loss|learning');
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/smoothing=0\.6.*x=relative.*tags=loss%7Clearning/);
    await page.reload();
    await page.getByTestId('diagnosis').waitFor();
    expect(await page.getByTestId('smoothing').inputValue()).toBe('0.6');
    expect(await page.getByTestId('x-axis').inputValue()).toBe('relative');
    expect(await page.getByTestId('tag-filter').inputValue()).toBe('loss|learning');
  });

  it('draws 30 runs in distinct styles, each line readable on the card and none in the legend\'s grey', async () => {
    await goto(curvesHash(GRID));
    const loss = page.getByTestId('loss-chart');
    await expect.poll(() => loss.getByTestId('series-path').count(), { timeout: 60_000 }).toBe(60);
    const styles = await loss.getByTestId('series-path').evaluateAll((paths) => paths.map((p) => ({ id: p.getAttribute('data-series')!, color: p.getAttribute('stroke')!, dash: p.getAttribute('stroke-dasharray') ?? '' })));
    const perRun = new Map(styles.map((s) => [s.id.split('::')[0]!, s]));
    expect(perRun.size).toBe(30);
    const runs = [...perRun.entries()];
    let closest = Infinity;
    for (const [, s] of runs) {
      expect(contrastRatio(s.color, '#ffffff'), s.color).toBeGreaterThanOrEqual(3);
      expect(deltaE(s.color, LEGEND_GREY), s.color).toBeGreaterThanOrEqual(25);
    }
    for (let i = 0; i < runs.length; i++) for (let j = i + 1; j < runs.length; j++) {
      const [a, b] = [runs[i]![1], runs[j]![1]];
      if (a.dash === b.dash) closest = Math.min(closest, deltaE(a.color, b.color));
    }
    // Runs with the same dash pattern are at least ΔE 25 apart in colour.
    expect(closest).toBeGreaterThanOrEqual(25);
  });

  it('puts the curves first: the Loss chart above the fold at 1440×900 with 6 runs, diagnoses in a strip below', async () => {
    await goto(curvesHash(GRID.slice(0, 6)));
    await expect.poll(() => page.getByTestId('verdict').count()).toBe(6);
    const loss = (await page.getByTestId('loss-chart').boundingBox())!;
    expect(loss.y + 150).toBeLessThan(900);
    const first = (await page.getByTestId('diagnosis').first().boundingBox())!;
    expect(first.y).toBeGreaterThan(loss.y);
    expect(first.height).toBeLessThan(160);
    await page.screenshot({ path: join(SCREENSHOTS, 'curves-6-runs.png'), fullPage: true });
  });

  it('zooms the epoch charts only: a per-batch chart keeps its own steps, a learning rate is on a log axis', async () => {
    await goto(curvesHash([BATCH_RUN]));
    const loss = page.getByTestId('loss-chart');
    await loss.getByTestId('series-path').first().waitFor();
    const batch = page.locator('[data-testid=scalar-chart]').filter({ has: page.locator('figcaption', { hasText: 'batch/train_loss' }) });
    await batch.waitFor();
    const box = (await loss.getByTestId('chart-overlay').boundingBox())!;
    // Epochs 1..12 span the plot: drag from about epoch 2 to about epoch 8.
    const at = (epoch: number) => box.x + ((epoch - 1) / 11) * box.width;
    await page.mouse.move(at(2), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(at(5), box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(at(8), box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => loss.getAttribute('data-zoomed')).toMatch(/^\d+,\d+$/);
    expect(await batch.getAttribute('data-zoomed')).toBeNull();
    expect(await batch.locator('text.empty').count()).toBe(0);
    expect((await batch.getByTestId('series-path').first().getAttribute('d'))!.length).toBeGreaterThan(100);
    const batchTicks = (await batch.getByTestId('x-tick').allTextContents()).map(Number);
    expect(Math.max(...batchTicks)).toBeGreaterThan(100);
    const lr = page.locator('[data-testid=scalar-chart]').filter({ has: page.locator('figcaption', { hasText: 'train/learning_rate' }) });
    expect(await lr.getAttribute('data-log-y')).toBe('true');
    expect(await lr.getAttribute('data-zoomed')).toBe(await loss.getAttribute('data-zoomed'));
  });

  it('says an interrupted run\'s verdict is provisional', async () => {
    await goto(curvesHash([KILLED]));
    const card = page.locator(`[data-testid=diagnosis][data-run="${KILLED}"]`);
    await expect.poll(() => card.getByTestId('interrupted-note').textContent()).toMatch(/^Interrupted after epoch 6 of 6: training did not finish, so this verdict is provisional\.$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'curves-interrupted.png') });
  });

  it('logged no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
