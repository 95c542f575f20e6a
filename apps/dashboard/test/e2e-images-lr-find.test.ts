/**
 * In a real browser (see browser.ts), on a LeNet trained one epoch with --augment and an lr-find range test, both
 * by @cnnlab/trainer: the Curves view's augmented-sample card (the spec, the epoch, the grid at its own pixel size,
 * crisp) and the Images card (the misclassified grid with its labels, the evaluation's confusion-matrix image), and an lr-find result listed as such with its loss-vs-learning-rate chart, the
 * suggested rate marked where it lies on the log axis. Screenshots at 1440 and 390 px.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { evaluateRun, lrFind, train, type LrFindRecord } from '@cnnlab/trainer';
import '@cnnlab/arch-lenet';
import type { Dashboard } from '../server/index.js';
import type { ImagesResponse } from '../server/image-types.js';
import { lrLabel } from '../src/lib/lr-find.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, SCREENSHOTS, type BrowserSession } from './browser.js';

if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's image and lr-find browser tests. ${MISSING_CHROMIUM}`);

const AUGMENTED = 'augmented/lenet';
const LR_FIND = 'lr-find/lenet';
const curvesHash = (run: string) => `#/curves?runs=${encodeURIComponent(run)}`;
/** The first answers come after the server's first scan of the logdir, seconds on a loaded machine. */
const SLOW = { timeout: 30_000 };

describe.runIf(runBrowserTests)('augmented samples and lr-find, in a browser', () => {
  let session: BrowserSession | undefined;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let errors: string[];
  let record: LrFindRecord;

  beforeAll(async () => {
    session = await browserSession('e2e-images', {
      writeRuns: async (logdir) => {
        await train({ arch: 'lenet', epochs: 1, dataset: { limit: 300 }, batchSize: 32, lr: 0.1, augment: 'crop:4,flip', logdir, name: AUGMENTED });
        // Evaluated too: its confusion-matrix image joins the misclassified grid.
        await evaluateRun(join(logdir, AUGMENTED));
        ({ record } = await lrFind({ arch: 'lenet', dataset: { limit: 600 }, batchSize: 32, range: { steps: 40 }, logdir, name: LR_FIND }));
      },
    });
    ({ dashboard, page, errors } = session);
  }, 180_000);
  afterAll(() => session?.close());

  it('lists the lr-find result as lr-find with its suggested rate instead of a verdict', async () => {
    await page.goto(`${dashboard!.url}#/runs`);
    const row = page.locator(`[data-testid=run-row][data-run="${LR_FIND}"]`);
    await row.waitFor(SLOW);
    expect(await row.getAttribute('data-kind')).toBe('lr-find');
    expect(await row.getByTestId('lr-find-chip').textContent()).toBe('lr-find');
    expect(await row.getByTestId('run-fit').textContent()).toBe(`lr ${lrLabel(record.suggestedLr)}`);
    const trained = page.locator(`[data-testid=run-row][data-run="${AUGMENTED}"]`);
    expect(await trained.getAttribute('data-kind')).toBe('cnnlab');
    expect(await trained.getByTestId('lr-find-chip').count()).toBe(0);
  });

  it('draws loss against learning rate on a log axis, the suggested rate marked at its value with its rule', async () => {
    await page.goto(`${dashboard!.url}${curvesHash(LR_FIND)}`);
    await page.reload();
    const chart = page.getByTestId('lr-find-chart');
    await chart.waitFor(SLOW);
    expect(await chart.getAttribute('data-log-x')).toBe('true');
    // No training charts or verdict card for it.
    expect(await page.getByTestId('loss-chart').count()).toBe(0);
    expect(await page.getByTestId('diagnosis').count()).toBe(0);
    // One line of the smoothed loss, with as many vertices as the curve has points.
    const d = await chart.getByTestId('series-path').getAttribute('d');
    expect((d!.match(/[ML]/g) ?? []).length).toBe(record.points.length);

    const marker = chart.locator('[data-marker=suggested-lr]');
    expect(Number(await marker.getAttribute('data-x'))).toBe(record.suggestedLr);
    expect(await marker.textContent()).toBe(`suggested ${lrLabel(record.suggestedLr)} (steepest descent)`);
    // Where the marker stands, against the axis' own ticks: log10(lr) interpolated between the first and last tick.
    const ticks = await chart.getByTestId('x-tick').evaluateAll((els) => els.map((e) => ({ value: Number(e.textContent), x: Number(e.getAttribute('x')) })));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    const [a, b] = [ticks[0]!, ticks.at(-1)!];
    const expected = a.x + ((Math.log10(record.suggestedLr) - Math.log10(a.value)) / (Math.log10(b.value) - Math.log10(a.value))) * (b.x - a.x);
    expect(Number(await marker.locator('line').getAttribute('x1'))).toBeCloseTo(expected, 0);
    // Ticks are powers of ten, evenly spaced: a log axis.
    const gaps = ticks.slice(1).map((t, i) => (t.x - ticks[i]!.x) / (Math.log10(t.value) - Math.log10(ticks[i]!.value)));
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 0);

    const text = await page.getByTestId('lr-suggestion').textContent();
    expect(text).toContain(`Suggested learning rate ${lrLabel(record.suggestedLr)}, by the rule steepest descent of the smoothed loss (at step ${record.suggestions.steepest.step})`);
    expect(text).toContain(`gives ${lrLabel(record.suggestions.minimumOver10.lr)}; lenet's d2l rate is 0.9`);
    await page.getByTestId('lr-find').screenshot({ path: join(SCREENSHOTS, 'lr-find-1440.png') });
  });

  it('shows the augmented-sample grid with its spec and epoch, at its own pixel size and crisp, and the other images', async () => {
    const listed = (await (await fetch(new URL(`/api/runs/${encodeURIComponent(AUGMENTED)}/images`, dashboard!.url))).json()) as ImagesResponse;
    const grid = listed.images.find((i) => i.tag === 'augment/samples')!;
    await page.goto(`${dashboard!.url}${curvesHash(AUGMENTED)}`);
    await page.reload();
    const card = page.getByTestId('augment-samples');
    await card.waitFor(SLOW);
    expect(await card.locator('h3').textContent()).toBe('Augmented samples');
    expect(await card.getByTestId('augment-caption').textContent()).toBe(`crop:4,flip:0.5 · epoch 1's draws of the first training images (${grid.width}×${grid.height} px)`);
    const img = card.getByTestId('run-image');
    await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth), SLOW).toBe(grid.width);
    const shown = await img.evaluate((e: HTMLImageElement) => ({
      natural: [e.naturalWidth, e.naturalHeight], box: [e.getBoundingClientRect().width, e.getBoundingClientRect().height], rendering: getComputedStyle(e).imageRendering,
    }));
    expect(shown.natural).toEqual([grid.width, grid.height]);
    expect(shown.box).toEqual([grid.width, grid.height]);
    expect(shown.rendering).toBe('pixelated');
    const others = page.getByTestId('run-images');
    expect(await others.locator('[data-testid=run-image]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tag')))).toEqual(['summary/misclassified', 'test/confusion_matrix']);
    const labels = others.getByTestId('image-labels');
    await labels.locator('summary').click();
    expect(await labels.locator('pre').textContent()).toBe(listed.images.find((i) => i.tag === 'summary/misclassified')!.labels!.replace(/\*\*/g, ''));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'augment-samples-1440.png'), fullPage: true });
  });

  it('names each image of the misclassified grid under the pointer and on keyboard focus, its box on that image', async () => {
    const listed = (await (await fetch(new URL(`/api/runs/${encodeURIComponent(AUGMENTED)}/images`, dashboard!.url))).json()) as ImagesResponse;
    const lines = listed.images.find((i) => i.tag === 'summary/misclassified')!.labels!.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/\*\*/g, ''));
    const figure = page.getByTestId('run-images').locator('figure').filter({ has: page.locator('[data-tag="summary/misclassified"]') });
    const cells = figure.getByTestId('grid-cell');
    expect(await cells.count()).toBe(lines.length);
    const img = await figure.getByTestId('run-image').boundingBox();
    const caption = figure.getByTestId('grid-cell-caption');
    for (const k of [0, lines.length - 1]) {
      const cell = cells.nth(k);
      const box = (await cell.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(img!.x - 0.5);
      expect(box.y).toBeGreaterThanOrEqual(img!.y - 0.5);
      expect(box.x + box.width).toBeLessThanOrEqual(img!.x + img!.width + 0.5);
      expect(box.y + box.height).toBeLessThanOrEqual(img!.y + img!.height + 0.5);
      await cell.hover();
      const [, row, column, text] = /^\d+\. \(row (\d+), column (\d+)\) (.+)$/.exec(lines[k]!)!;
      await expect.poll(() => caption.textContent()).toBe(`row ${row}, column ${column}: ${text}`);
      expect(await cell.getAttribute('title')).toBe(text);
    }
    await page.mouse.move(0, 0);
    await cells.nth(1).focus();
    await expect.poll(() => caption.textContent()).toContain(lines[1]!.replace(/^\d+\. \(row \d+, column \d+\) /, ''));
    await figure.screenshot({ path: join(SCREENSHOTS, 'misclassified-tooltip.png') });
  });

  it('at 390 px fits both without a page-wide scroll', async () => {
    const phone = await session!.openPage({ width: 390, height: 844 });
    const p = phone.page;
    await p.goto(`${dashboard!.url}${curvesHash(AUGMENTED)}`);
    const img = p.getByTestId('augment-samples').getByTestId('run-image');
    await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth > 0), SLOW).toBe(true);
    const fit = await img.evaluate((e: HTMLImageElement) => {
      const card = e.closest('section')!.getBoundingClientRect();
      const box = e.getBoundingClientRect();
      return { inside: box.left >= card.left && box.right <= card.right, ratio: box.width / box.height, natural: e.naturalWidth / e.naturalHeight };
    });
    expect(fit.inside).toBe(true);
    expect(fit.ratio).toBeCloseTo(fit.natural, 2);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.screenshot({ path: join(SCREENSHOTS, 'augment-samples-390.png'), fullPage: true });

    await p.goto(`${dashboard!.url}${curvesHash(LR_FIND)}`);
    await p.reload();
    const chart = p.getByTestId('lr-find-chart');
    await chart.waitFor(SLOW);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // The marker's label is on the plot, or listed under it when it does not fit.
    expect(await chart.getByTestId('marker-label').count() + await chart.getByTestId('marker-note').count()).toBeGreaterThanOrEqual(2);
    await p.getByTestId('lr-find').screenshot({ path: join(SCREENSHOTS, 'lr-find-390.png') });
    expect(phone.errors).toEqual([]);
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
