/**
 * The dashboard on a logdir of 30 runs, in a real browser (see browser.ts): grouped and filtered run lists, curves of
 * several runs compared (tooltip, labels, stable colours, zoom, tag filter, gaps, mean over seeds), and the phone layout.
 * One client build and one browser for all of it. Screenshots go to $SCREENSHOTS_DIR (default apps/dashboard/screenshots/).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Dashboard } from '../server/index.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, SCREENSHOTS, type BrowserSession } from './browser.js';
import { writeCnnlabRun, writeForeignRun } from './fixtures.js';
import { curve, GAP_RUN, LONG_A, LONG_B, SEED_RUNS, SWEEP, TRIALS, writeScaleLogdir } from './scale-fixture.js';

if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's browser tests at scale. ${MISSING_CHROMIUM}`);

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Box, outer: Box) => a.x >= outer.x - 0.5 && a.y >= outer.y - 0.5 && a.x + a.width <= outer.x + outer.width + 0.5 && a.y + a.height <= outer.y + outer.height + 0.5;
const boxOf = async (l: Locator) => (await l.boundingBox())!;
const curvesHash = (runs: string[]) => `#/curves?runs=${runs.map((r) => encodeURIComponent(r)).join(',')}`;

describe.runIf(runBrowserTests)('dashboard at scale, in a browser', () => {
  let session: BrowserSession | undefined;
  let logdir: string;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let pageErrors: string[] = [];

  async function shot(name: string, fullPage = true) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, name), fullPage });
  }
  async function openCurves(runs: string[]) {
    await page.goto(`${dashboard!.url}${curvesHash(runs)}`);
    await page.reload();
    await expect.poll(() => page.getByTestId('diagnosis').count()).toBe(runs.length);
    for (const r of runs) await page.locator(`[data-testid=diagnosis][data-run="${r}"] [data-testid=verdict]`).waitFor();
  }

  beforeAll(async () => {
    session = await browserSession('e2e-scale', { writeRuns: (dir) => expect(writeScaleLogdir(dir)).toHaveLength(30) });
    ({ dashboard, logdir, page, errors: pageErrors } = session);
  }, 180_000);
  afterAll(() => session?.close());

  it('groups the Runs table by sweep, search and folder, collapses the sweep, hides summary runs, filters by regex', async () => {
    await page.goto(dashboard!.url);
    const rows = page.getByTestId('run-row');
    const sweep = page.locator(`[data-testid=group-row][data-group="${SWEEP}"]`);
    await sweep.waitFor();
    expect(await sweep.getAttribute('data-kind')).toBe('sweep');
    // The scan streams runs in; wait for the whole logdir before counting.
    await expect.poll(() => page.getByTestId('runs-count').textContent()).toBe('28 of 30 runs');
    expect(await sweep.textContent()).toContain('8 runs');
    // Sweeps and searches start collapsed; the EDF summary runs are hidden.
    expect(await page.locator(`[data-testid=run-row][data-run^="${SWEEP}/"]`).count()).toBe(0);
    expect(await page.locator('[data-testid=group-row][data-group="search/anynet"]').getAttribute('data-kind')).toBe('search');
    await shot('runs-sweep-collapsed.png');

    await sweep.getByTestId('group-toggle').click();
    await expect.poll(() => page.locator(`[data-testid=run-row][data-run^="${SWEEP}/"]`).count()).toBe(8);
    await sweep.getByTestId('group-toggle').click();
    await expect.poll(() => page.locator(`[data-testid=run-row][data-run^="${SWEEP}/"]`).count()).toBe(0);

    await page.getByTestId('runs-show-summary').check();
    await page.getByTestId('group-row').filter({ hasText: 'search/anynet' }).getByTestId('group-toggle').click();
    await expect.poll(() => page.locator('[data-testid=run-row][data-run*="/edf-"]').count()).toBe(2);
    await page.getByTestId('runs-show-summary').uncheck();

    // One regex: the table shows what matches (groups open), and the Curves picker shares it.
    await page.getByTestId('runs-filter').fill('trial-00[12]$|^lenet-b');
    await expect.poll(async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).sort()).toEqual(['lenet-baseline', `${SWEEP}/trial-001`, `${SWEEP}/trial-002`]);
    await page.getByTestId('runs-filter').fill('trial-(');
    await page.getByTestId('runs-filter-error').waitFor();
    await page.getByTestId('runs-filter').fill('trial');

    // Select a whole sweep at once, and the verdict and best-loss columns are there.
    await sweep.getByTestId('group-select').check();
    await expect.poll(() => page.getByTestId('compare-selected').textContent()).toBe('Show curves of 8 selected');
    const trial = page.locator(`[data-testid=run-row][data-run="${TRIALS[0]}"]`);
    expect(await trial.getByTestId('run-fit').textContent()).toMatch(/good fit|overfitting|still improving|underfitting|too few epochs|\w+/);
    expect(await trial.getByTestId('run-best-loss').textContent()).toMatch(/^\d\.\d{4}$/);
    await page.getByTestId('compare-selected').click();
    await expect.poll(() => page.getByTestId('diagnosis').count()).toBe(8);
    expect(await page.getByTestId('picker-filter').inputValue()).toBe('trial');
    expect(await page.getByTestId('picker-count').textContent()).toContain('8 selected');
    await page.getByTestId('picker-filter').fill('');
  });

  it('shows every run in the Runs table at 1440px, Export column included, without cutting anything off', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${dashboard!.url}#/runs`);
    await page.reload();
    const row = page.locator('[data-testid=run-row][data-run="lenet-baseline"]');
    await row.waitFor();
    const exportCell = await boxOf(row.getByTestId('run-export'));
    const card = await boxOf(page.locator('section.card').first());
    expect(exportCell.x + exportCell.width).toBeLessThanOrEqual(card.x + card.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
  });

  it('compares 6 runs: a tooltip with every value, sorted, even for long names', async () => {
    const six = ['lenet-baseline', 'lenet-wide', 'resnet-small', 'vgg-tiny', LONG_A, LONG_B];
    await openCurves(six);
    const loss = page.getByTestId('loss-chart');
    expect(await loss.getByTestId('series-path').count()).toBe(12);
    await loss.scrollIntoViewIfNeeded();
    const overlay = await boxOf(loss.getByTestId('chart-overlay'));
    await page.mouse.move(overlay.x + overlay.width * 0.45, overlay.y + overlay.height / 2);
    const tooltip = loss.getByTestId('chart-tooltip');
    await tooltip.waitFor();
    const rows = tooltip.getByTestId('tooltip-row');
    expect(await rows.count()).toBe(6);
    const tip = await boxOf(tooltip);
    const figure = await boxOf(loss);
    expect(inside(tip, { ...figure, height: 10_000 })).toBe(true);
    const values = await tooltip.getByTestId('tooltip-value').allTextContents();
    expect(values).toHaveLength(12);
    for (const v of values) expect(v).toMatch(/^\d+(\.\d+)?$/);
    // Every number is drawn whole inside the tooltip.
    for (const cell of await tooltip.getByTestId('tooltip-value').all()) expect(inside(await boxOf(cell), tip)).toBe(true);
    // Sorted by validation loss (the second column), largest first, as the lines stand top to bottom.
    const val = (await rows.evaluateAll((els) => els.map((e) => Number(e.querySelectorAll('[data-testid=tooltip-value]')[1]!.textContent))));
    expect(val).toEqual([...val].sort((a, b) => b - a));
    // Long names: shortened in the middle, told apart by their ends, full name in the title.
    const labels = await rows.evaluateAll((els) => els.map((e) => ({ text: e.querySelector('.label')!.textContent!, title: e.getAttribute('title')! })));
    const a = labels.find((l) => l.title === LONG_A)!;
    const b = labels.find((l) => l.title === LONG_B)!;
    expect(a.text).toContain('…');
    expect(a.text.endsWith('name-A')).toBe(true);
    expect(b.text.endsWith('name-B')).toBe(true);
    // …and drawn whole: no name is clipped by its column.
    expect(await rows.evaluateAll((els) => els.every((e) => { const l = e.querySelector('.label')!; return l.scrollWidth <= l.clientWidth + 1; }))).toBe(true);
    await page.locator('section.charts').screenshot({ path: join(SCREENSHOTS, 'curves-6-runs-tooltip.png') });
    await page.mouse.move(overlay.x + overlay.width * 0.45, overlay.y + overlay.height + 200);
    await shot('curves-6-runs.png');
  });

  it('keeps two runs\' marker and region labels apart and inside the plot', async () => {
    await openCurves([LONG_A, LONG_B]);
    const loss = page.getByTestId('loss-chart');
    await loss.scrollIntoViewIfNeeded();
    await expect.poll(() => loss.getByTestId('region-label').count()).toBe(2);
    const svg = await boxOf(loss.locator('svg[role=img]'));
    const overlayBox = await boxOf(loss.getByTestId('chart-overlay'));
    for (const kind of ['region-label', 'marker-label']) {
      const boxes = await Promise.all((await loss.getByTestId(kind).all()).map(boxOf));
      expect(boxes.length, kind).toBe(2);
      expect(overlap(boxes[0]!, boxes[1]!), `${kind}s overlap`).toBe(false);
      for (const box of boxes) expect(inside(box, { x: overlayBox.x, y: svg.y, width: overlayBox.width, height: svg.height }), `${kind} leaves the plot`).toBe(true);
    }
    const texts = await loss.getByTestId('region-label').allTextContents();
    expect(texts.every((t) => t.startsWith('overfitting ('))).toBe(true);
  });

  it('says which settings the diagnosis used, explains the early stop, and labels a "what if" patience as hypothetical', async () => {
    await openCurves(['lenet-baseline']);
    const card = page.locator('[data-testid=diagnosis][data-run="lenet-baseline"]');
    expect(await card.getByTestId('fit-settings').textContent()).toBe("patience 3, min-delta 0 (the run's config, as the trainer)");
    expect(await card.getByTestId('fit-status').textContent()).toBe('overfitting');
    expect(await card.getByTestId('early-stop').textContent()).toMatch(/^patience 3 would have stopped at epoch \d+ \(early stopping was off\)/);
    await card.locator('details.more > summary').click();
    await card.locator('details.what-if summary').click();
    await card.getByTestId('what-if-patience').fill('20');
    await card.getByTestId('what-if-patience').press('Enter');
    await card.getByTestId('what-if-patience').blur();
    await expect.poll(() => card.getByTestId('what-if-result').textContent()).toMatch(/^Hypothetical, with patience 20: (?!Overfitting)/);
    // The run's own label stays.
    expect(await card.getByTestId('fit-status').textContent()).toBe('overfitting');
  });

  it('keeps every run\'s colour when a new run appears', async () => {
    const chosen = ['lenet-baseline', 'resnet-small', SEED_RUNS[0]!];
    await openCurves(chosen);
    const colours = async () => page.getByTestId('loss-chart').getByTestId('series-path').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-series')}=${e.getAttribute('stroke')}/${e.getAttribute('stroke-dasharray')}`));
    const chips = async () => page.getByTestId('run-picker').locator('label[data-run]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-run'), getComputedStyle(e).getPropertyValue('--c')])));
    const before = await colours();
    const chipsBefore = await chips();
    expect(new Set(before.map((c) => c.split('=')[1])).size).toBeGreaterThanOrEqual(3);
    // A new run, newest of all, sorting first by name too.
    writeCnnlabRun(logdir, 'aaa-new-run', { history: curve({ seed: 99 }), startedAt: '2030-01-01T00:00:00.000Z' });
    await page.locator('[data-testid=run-picker] label[data-run="aaa-new-run"]').waitFor({ timeout: 15_000 });
    expect(await colours()).toEqual(before);
    const chipsAfter = await chips();
    for (const [run, colour] of Object.entries(chipsBefore)) expect(chipsAfter[run], run).toBe(colour);
  });

  it('zooms by dragging, on the loss and accuracy charts together, and resets on double-click', async () => {
    await openCurves(['lenet-baseline', 'resnet-small']);
    const loss = page.getByTestId('loss-chart');
    const acc = page.getByTestId('accuracy-chart');
    await loss.scrollIntoViewIfNeeded();
    const box = await boxOf(loss.getByTestId('chart-overlay'));
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => loss.getAttribute('data-zoomed')).toMatch(/^\d+,\d+$/);
    const [lo, hi] = (await loss.getAttribute('data-zoomed'))!.split(',').map(Number);
    expect(await acc.getAttribute('data-zoomed')).toBe(`${lo},${hi}`);
    expect(lo).toBeGreaterThan(1);
    expect(hi).toBeLessThan(12);
    const ticks = (await loss.getByTestId('x-tick').allTextContents()).map(Number);
    expect(Math.min(...ticks)).toBeGreaterThanOrEqual(lo!);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(hi!);
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => loss.getAttribute('data-zoomed')).toBeNull();
    expect(await acc.getAttribute('data-zoomed')).toBeNull();
  });

  it('filters tags by regex, labels small charts with whole epochs, and breaks a curve where an epoch is missing', async () => {
    await openCurves([GAP_RUN]);
    const small = page.getByTestId('scalar-chart');
    await expect.poll(() => small.count()).toBe(3);
    for (const chart of await small.all()) {
      const ticks = await chart.getByTestId('x-tick').allTextContents();
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const t of ticks) expect(Number.isInteger(Number(t)), t).toBe(true);
    }
    // Epoch 6 is missing from the event files: each loss line is drawn in two pieces.
    for (const d of await page.getByTestId('loss-chart').getByTestId('series-path').evaluateAll((els) => els.map((e) => e.getAttribute('d')!))) {
      expect(d.match(/M/g)).toHaveLength(2);
    }
    await page.getByTestId('tag-filter').fill('learning_rate|images');
    await expect.poll(() => small.count()).toBe(2);
    expect(await page.getByTestId('loss-chart').count()).toBe(0);
    await page.getByTestId('tag-filter').fill('loss(');
    await page.getByTestId('tag-filter-error').waitFor();
    await page.getByTestId('tag-filter').fill('');
    await page.getByTestId('loss-chart').waitFor();
  });

  it('draws the mean ± band of runs that differ only by seed', async () => {
    await openCurves(SEED_RUNS);
    const loss = page.getByTestId('loss-chart');
    expect(await loss.getByTestId('series-path').count()).toBe(6);
    await page.getByTestId('mean-seeds').check();
    await expect.poll(() => loss.getByTestId('series-path').count()).toBe(2);
    expect(await loss.getByTestId('series-band').count()).toBe(2);
    expect(await loss.getByTestId('legend-item').first().textContent()).toContain('mean of 3 seeds');
    await page.getByTestId('mean-seeds').uncheck();
  });

  it('polls only what changed: a run added while the page is open appears in the Runs table, a run that grows updates its row', async () => {
    await page.goto(`${dashboard!.url}#/runs`);
    await page.reload();
    const row = (name: string) => page.locator(`[data-testid=run-row][data-run="${name}"]`);
    // Only the rows in view are drawn: the filter keeps the new run in view wherever it sorts.
    await page.getByTestId('runs-filter').fill('^(aab-live-run|lenet-baseline)$');
    await row('lenet-baseline').waitFor();
    const polls: string[] = [];
    const onRequest = (r: { url: () => string }) => {
      if (new URL(r.url()).pathname === '/api/runs') polls.push(new URL(r.url()).search);
    };
    page.on('request', onRequest);
    const { writer } = writeForeignRun(logdir, 'aab-live-run', 3);
    await row('aab-live-run').waitFor({ timeout: 15_000 });
    expect(await row('aab-live-run').getByTestId('run-epochs').textContent()).toContain('3');
    writer.scalars({ 'Loss/train': 0.5, 'Loss/val': 0.6, 'Accuracy/train': 0.8, 'Accuracy/val': 0.75 }, 4, { legacy: true, wallTime: 1_700_000_040 });
    writer.close();
    await expect.poll(async () => (await row('aab-live-run').getByTestId('run-epochs').textContent())?.trim(), { timeout: 15_000 }).toBe('4');
    page.off('request', onRequest);
    // Every poll asked for the changes since the version it held, not for the whole list.
    expect(polls.length).toBeGreaterThan(0);
    for (const q of polls) expect(q).toMatch(/^\?since=/);
    // The rows the page holds are the server's whole list.
    const whole = await page.evaluate(async () => ((await (await fetch('/api/runs')).json()) as { runs: { name: string }[] }).runs.map((r) => r.name));
    expect(whole).toContain('aab-live-run');
    await expect.poll(() => page.getByTestId('runs-count').textContent()).toBe(`2 of ${whole.length} runs`);
    await page.getByTestId('runs-filter').fill('');
  });

  it('is usable on a 390px phone: no horizontal scroll, tabs clear of the logo, a compact run picker', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const tab of ['runs', 'curves', 'hparams', 'sweeps', 'search', 'complexity']) {
      await page.goto(`${dashboard!.url}${tab === 'curves' ? curvesHash(['lenet-baseline', 'resnet-small']) : `#/${tab}`}`);
      await page.reload();
      await page.getByTestId(`tab-${tab}`).waitFor();
      await page.waitForTimeout(tab === 'complexity' ? 1500 : 600);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      const tooWide = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > 390).slice(0, 5).map((e) => `${e.tagName}.${e.className}`));
      expect(width, `${tab}: page width (too wide: ${tooWide.join(', ')})`).toBeLessThanOrEqual(390);
      const logo = await boxOf(page.locator('.brand'));
      for (const t of await page.locator('nav.tabs .tab').all()) {
        const b = await boxOf(t);
        expect(overlap(b, logo), `${tab}: a tab covers the logo`).toBe(false);
        expect(b.x + b.width, `${tab}: a tab is off-screen`).toBeLessThanOrEqual(390);
      }
      if (tab === 'runs') await shot('phone-runs.png', false);
      if (tab === 'curves') {
        const picker = await boxOf(page.getByTestId('run-picker'));
        expect(picker.height).toBeLessThan(844 / 2);
        await page.getByTestId('loss-chart').waitFor();
        await shot('phone-curves.png', false);
        await page.getByTestId('loss-chart').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SCREENSHOTS, 'phone-curves-chart.png') });
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(pageErrors).toEqual([]);
  });
});
