/**
 * In a real browser, on a logdir of nineteen runs (eleven architectures and an eight-trial sweep) plus a run of
 * another tool: cost against accuracy with its Pareto frontier, complexity at one common input size, and the
 * hyper-parameters view (brushing, colour by metric, the final config's values).
 * Screenshots go to apps/dashboard/screenshots/ (git-ignored), or to $DASHBOARD_SCREENSHOTS.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Dashboard } from '../server/index.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, SCREENSHOTS, type BrowserSession } from './browser.js';
import { writeForeignRun } from './fixtures.js';
import { studyRuns, writeStudyRun, type StudyRun } from './study-fixtures.js';

/**
 * The runs no other run beats on both cost and accuracy (computed here independently of the client):
 * `cost` is what is better smaller (parameters, or minus the throughput).
 */
function nonDominated(runs: StudyRun[], cost: (r: StudyRun) => number): string[] {
  const beats = (b: StudyRun, a: StudyRun) => cost(b) <= cost(a) && b.bestValAcc >= a.bestValAcc && (cost(b) < cost(a) || b.bestValAcc > a.bestValAcc);
  return runs.filter((a) => !runs.some((b) => b !== a && beats(b, a))).map((r) => r.name).sort();
}

const attr = (locator: Locator, name: string) => locator.evaluateAll((els, n) => els.map((e) => e.getAttribute(n)!), name);

if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's cost and hyper-parameter browser tests. ${MISSING_CHROMIUM}`);

describe.runIf(runBrowserTests)('cost, complexity and hyper-parameters in a browser', () => {
  let session: BrowserSession | undefined;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let errors: string[];
  const runs = studyRuns();

  beforeAll(async () => {
    session = await browserSession('e2e-cost', { writeRuns: (logdir) => {
      for (const run of runs) writeStudyRun(logdir, run);
      writeForeignRun(logdir, 'pytorch/baseline').writer.close();
    } });
    ({ dashboard, page, errors } = session);
  }, 120_000);
  afterAll(() => session?.close());

  it('draws accuracy against parameters with the non-dominated runs on the frontier', async () => {
    await page.goto(`${dashboard!.url}#/complexity`);
    const points = page.getByTestId('pareto-point');
    // By default only the runs of one budget (the eleven 10-epoch trainings, not the sweep's 1- and 4-epoch trials).
    const tenEpochs = runs.filter((r) => r.options.epochs === 10);
    await expect.poll(() => points.count(), { timeout: 30_000 }).toBe(tenEpochs.length);
    expect(await page.getByTestId('pareto-budget').locator('option:checked').textContent()).toMatch(/^10 epochs on 700 training images \(fashion-mnist\)/);
    const onDefault = page.locator('[data-testid=pareto-point][data-frontier=true]');
    expect((await attr(onDefault, 'data-run')).sort()).toEqual(nonDominated(tenEpochs, (r) => r.params));
    await page.getByTestId('pareto-budget').selectOption('all');
    await expect.poll(() => points.count()).toBe(runs.length);
    const onFrontier = page.locator('[data-testid=pareto-point][data-frontier=true]');
    const expected = nonDominated(runs, (r) => r.params);
    expect((await attr(onFrontier, 'data-run')).sort()).toEqual(expected);
    expect((await attr(page.getByTestId('frontier-row'), 'data-run')).sort()).toEqual(expected);
    // The staircase has one corner per frontier point after the first.
    const d = (await page.getByTestId('pareto-frontier').getAttribute('d'))!;
    expect(d.match(/H/g)).toHaveLength(expected.length - 1);
    await page.getByTestId('cost-accuracy').screenshot({ path: join(SCREENSHOTS, 'pareto.png') });

    // Against throughput, faster is better: the frontier changes.
    await page.getByTestId('pareto-x').selectOption('imagesPerSecond');
    const bySpeed = nonDominated(runs, (r) => -r.imagesPerSecond);
    expect(bySpeed).not.toEqual(expected);
    await expect.poll(async () => (await attr(onFrontier, 'data-run')).sort()).toEqual(bySpeed);
    // Test accuracy: only the runs evaluated on the test split.
    await page.getByTestId('pareto-y').selectOption('testAcc');
    await expect.poll(() => points.count()).toBe(runs.filter((r) => r.test !== undefined).length);
  });

  it('measures every architecture at the one input size chosen, and the multiply-adds follow it', async () => {
    const lenetMacs = page.locator('[data-testid=bars-macs] [data-testid=bar][data-label=lenet]');
    await page.getByTestId('complexity-input').selectOption('32');
    await expect.poll(() => page.locator('.note').filter({ hasText: 'Every model at 32×32' }).count(), { timeout: 90_000 }).toBe(1);
    await lenetMacs.waitFor({ timeout: 90_000 });
    const at32 = Number(await lenetMacs.getAttribute('data-value'));
    await page.getByTestId('complexity-input').selectOption('64');
    await expect.poll(async () => Number(await lenetMacs.getAttribute('data-value')), { timeout: 90_000 }).not.toBe(at32);
    const at64 = Number(await lenetMacs.getAttribute('data-value'));
    // LeNet's convolutions see four times the pixels (and its first dense layer a larger map).
    expect(at64).toBeGreaterThan(3 * at32);
    // Every bar shares one unit convention (binary bytes).
    expect(await page.getByTestId('bars-param-memory').textContent()).toMatch(/MiB|KiB/);
    expect(await page.getByTestId('bars-param-memory').textContent()).not.toMatch(/\b[kMG]B\b/);
  });

  it('compares a ResNet bottleneck with a ResNeXt block over the group counts', async () => {
    const block = page.getByTestId('block-calculator');
    expect(await block.getByTestId('blk-resnet-macs').textContent()).toBe('218,365,952');
    expect(await block.getByTestId('blk-resnext-macs').textContent()).toBe('219,971,584');
    const curve = block.getByTestId('groups-point');
    expect(await attr(curve, 'data-groups')).toEqual(['1', '2', '4', '8', '16', '32', '64', '128']);
    const macs = (await attr(curve, 'data-macs')).map(Number);
    expect(macs).toEqual([...macs].sort((a, b) => b - a));
    await block.getByTestId('blk-groups').fill('3');
    await expect.poll(() => block.getByTestId('blk-error').textContent()).toMatch(/cannot both be split into 3 groups/);
    await block.getByTestId('blk-groups').fill('32');
  });

  it('shows hyper-parameters of runs that have them, from their final config, coloured by a metric', async () => {
    await page.getByTestId('tab-hparams').click();
    const rows = page.getByTestId('hparams-row');
    await expect.poll(() => rows.count()).toBe(runs.length);
    expect(await page.getByTestId('without-hparams').textContent()).toContain('pytorch/baseline');
    const promoted = page.locator('[data-testid=hparams-row]').filter({ hasText: 'trial-004' });
    const headers = await page.getByTestId('hparams-table').locator('thead th').allTextContents();
    expect((await promoted.locator('td').nth(headers.findIndex((h) => h.startsWith('epochs'))).textContent())?.trim()).toBe('4');
    // lr spans decades: a log axis.
    expect(await page.locator('[data-testid=pc-axis][data-axis=lr]').getAttribute('data-log')).toBe('true');
    // A continuous scale: the best run gets the top of viridis.
    const best = [...runs].sort((a, b) => b.bestValAcc - a.bestValAcc)[0]!;
    expect(await page.locator(`[data-testid=pc-line][data-run="${best.name}"]`).getAttribute('stroke')).toBe('rgb(253,231,37)');
    expect(new Set(await attr(page.getByTestId('pc-line'), 'stroke')).size).toBeGreaterThan(10);
    // Axis titles end on one baseline (none staggered) and do not overlap.
    const titles = await page.getByTestId('pc-axis-name').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, bottom: r.bottom })));
    expect(new Set(titles.map((t) => Math.round(t.bottom))).size).toBe(1);
    for (let i = 1; i < titles.length; i++) expect(titles[i]!.left).toBeGreaterThanOrEqual(titles[i - 1]!.right);
    // Tick labels of one axis never overlap (19 runs: the arch axis has 11 categories).
    for (const axis of await page.getByTestId('pc-axis').all()) {
      const ticks = await axis.getByTestId('pc-tick').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom })).sort((a, b) => a.top - b.top));
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.top).toBeGreaterThanOrEqual(ticks[i - 1]!.bottom - 0.5);
    }
    // The table scrolls inside its card rather than running off the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'hparams.png'), fullPage: true });
  });

  it('filters the runs by brushing an axis, and clears the brush with a click', async () => {
    const axis = page.locator('[data-testid=pc-axis][data-axis="best val accuracy"] [data-testid=pc-brush-target]');
    const box = (await axis.boundingBox())!;
    const x = box.x + box.width / 2;
    // From the top of the axis (the best accuracy) to its middle.
    await page.mouse.move(x, box.y);
    await page.mouse.down();
    await page.mouse.move(x, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('pc-brush').waitFor();
    const kept = await attr(page.locator('[data-testid=pc-line][data-filtered=false]'), 'data-run');
    const out = await attr(page.locator('[data-testid=pc-line][data-filtered=true]'), 'data-run');
    expect(kept.length).toBeGreaterThan(0);
    expect(out.length).toBeGreaterThan(0);
    const acc = new Map(runs.map((r) => [r.name, r.bestValAcc]));
    expect(Math.min(...kept.map((r) => acc.get(r)!))).toBeGreaterThan(Math.max(...out.map((r) => acc.get(r)!)));
    await expect.poll(async () => (await attr(page.getByTestId('hparams-row'), 'data-run')).sort()).toEqual([...kept].sort());
    await page.screenshot({ path: join(SCREENSHOTS, 'hparams-brushed.png'), fullPage: true });

    await page.mouse.click(x, box.y + box.height * 0.8);
    await expect.poll(() => page.getByTestId('hparams-row').count()).toBe(runs.length);
    expect(await page.getByTestId('pc-brush').count()).toBe(0);
  });

  it('plots any metric against any hyper-parameter', async () => {
    const scatter = page.getByTestId('hparam-scatter');
    await scatter.getByTestId('scatter-x').selectOption('lr');
    await scatter.getByTestId('scatter-y').selectOption('best_val_accuracy');
    expect(await scatter.getByTestId('scatter-point').count()).toBe(runs.length);
    await scatter.getByTestId('scatter-x').selectOption('batch_size');
    expect(await scatter.getByTestId('scatter-point').count()).toBe(runs.length);
    expect(errors).toEqual([]);
  });
});
