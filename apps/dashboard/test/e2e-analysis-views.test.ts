/**
 * In a real browser, on the nineteen study runs plus two AnyNet models of a design-space search (whose
 * `arch_options` is a long stage list) and a LeNet evaluated on the test split: the hyper-parameters table and
 * parallel coordinates at 1440 and 390 px, and the run's confusion matrix.
 * Screenshots go to apps/dashboard/screenshots/ (git-ignored), or to $DASHBOARD_SCREENSHOTS.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Dashboard } from '../server/index.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, SCREENSHOTS, type BrowserSession } from './browser.js';
import { FASHION_MNIST_CLASSES } from '@cnnlab/trainer';
import { rowShares, shareColor } from '../src/lib/confusion.js';
import { fixtureConfusion, writeEvaluatedRun } from './confusion-fixture.js';
import { studyRuns, writeStudyRun, type StudyRun } from './study-fixtures.js';

const stage = (depth: number, width: number) => ({ depth, width, groupWidth: 8, bottleneckRatio: 1 });
/** Two AnyNet models as `cnnlab search` trains them: the stages go into archOptions. */
const EVALUATED = 'evaluated/lenet-test';
const ANYNETS: StudyRun[] = [16, 32].map((stemChannels, i) => ({
  name: `search/anynet/AnyNetX_A-00${i}`,
  options: { arch: 'regnetx32-d2l', epochs: 1, lr: 0.1, archOptions: { stemChannels, stages: [stage(1, 16 + 8 * i), stage(2, 32), stage(1, 48)] } },
  params: 120_000 + i * 40_000, macs: 9_000_000, imagesPerSecond: 3_000, bestValAcc: 0.6 + 0.05 * i,
}));

interface Box { left: number; right: number; top: number; bottom: number }
const boxesOf = (locator: Locator): Promise<Box[]> => locator.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom })));
const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
function overlappingPairs(boxes: Box[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i]!, boxes[j]!)) pairs.push([i, j]);
  return pairs;
}
const attr = (locator: Locator, name: string) => locator.evaluateAll((els, n) => els.map((e) => e.getAttribute(n)!), name);

/** The first answers come after the server's first scan of the logdir, seconds on a loaded machine. */
const SLOW = { timeout: 30_000 };

if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's hyper-parameter view browser tests. ${MISSING_CHROMIUM}`);

describe.runIf(runBrowserTests)('hyper-parameters, confusion matrix, Pareto and architecture views', () => {
  let session: BrowserSession | undefined;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let errors: string[];
  const runs = [...studyRuns(), ...ANYNETS];
  /** Rows of the hyper-parameters table: the study runs and the evaluated LeNet. */
  const tableRows = runs.length + 1;

  beforeAll(async () => {
    session = await browserSession('e2e-hparams', { writeRuns: (logdir) => {
      for (const run of runs) writeStudyRun(logdir, run);
      writeEvaluatedRun(logdir, EVALUATED);
    } });
    ({ dashboard, page, errors } = session);
  }, 120_000);
  afterAll(() => session?.close());

  it('collapses long values, so that lr and the metrics stay inside the card at 1440 px', async () => {
    await page.goto(`${dashboard!.url}#/hparams`);
    await expect.poll(() => page.getByTestId('hparams-row').count(), SLOW).toBe(tableRows);
    const table = page.getByTestId('hparams-table');
    const card = (await table.locator('xpath=ancestor::section[1]').boundingBox())!;
    const right = card.x + card.width;
    for (const header of [table.locator('th[data-column=lr]'), table.locator('th.metric').first()]) {
      const box = (await header.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(right);
    }
    // The AnyNet stage list is one short line; its full value is on hover (title) and in the cell once clicked.
    const { runs: withHParams } = await (await fetch(new URL('/api/hparams', dashboard!.url))).json() as { runs: { run: string; hparams: Record<string, unknown> }[] };
    const full = String(withHParams.find((r) => r.run === ANYNETS[1]!.name)!.hparams.arch_options);
    expect(full.length).toBeGreaterThan(150);
    const cell = page.locator(`[data-testid=hparams-row][data-run="${ANYNETS[1]!.name}"] [data-testid=hp-long-cell][data-column=arch_options]`);
    expect(await cell.getAttribute('title')).toBe(full);
    const collapsed = (await cell.boundingBox())!;
    expect(collapsed.width).toBeLessThan(260);
    await cell.getByRole('button').click();
    expect(await cell.getByRole('button').getAttribute('aria-expanded')).toBe('true');
    expect((await cell.boundingBox())!.height).toBeGreaterThan(2 * collapsed.height);
    await cell.getByRole('button').click();
    // Categories are printed whole where there is room (the architecture axis), not cut to a few characters.
    // (the label's own text, without its <title>)
    const archTicks = await page.locator('[data-testid=pc-axis][data-axis=arch] [data-testid=pc-tick]').evaluateAll((els) => els.map((e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('')));
    expect(archTicks).toContain('regnetx32-d2l');
    expect(archTicks).toContain('googlenet-d2l');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'hparams-1440.png'), fullPage: true });
  });

  it('at 390 px draws the axes that fit, lets the user choose others (kept in the URL), and no two titles overlap', async () => {
    const phone = await session!.openPage({ width: 390, height: 844 });
    const p = phone.page;
    await p.goto(`${dashboard!.url}#/hparams`);
    await expect.poll(() => p.getByTestId('hparams-row').count(), SLOW).toBe(tableRows);
    const titles = p.getByTestId('pc-axis-name');
    const shown = await attr(p.getByTestId('pc-axis'), 'data-axis');
    const choices = await attr(p.getByTestId('pc-axis-choice'), 'data-axis');
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.length).toBeLessThan(choices.length);
    // The default starts with what differs between runs: the architecture, and the metric lines are coloured by.
    expect(shown[0]).toBe('arch');
    expect(shown).toContain('best val accuracy');
    expect(overlappingPairs(await boxesOf(titles))).toEqual([]);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await p.screenshot({ path: join(SCREENSHOTS, 'hparams-390.png'), fullPage: true });

    // Adding axes: the chart scrolls inside its card instead of squeezing titles together.
    await p.getByTestId('pc-axis-chooser').locator('summary').click();
    const unchecked = await p.locator('[data-testid=pc-axis-choice]:not(:checked)').evaluateAll((els) => els.map((e) => e.getAttribute('data-axis')!));
    const added = ['lr', 'optimizer', 'best_val_loss'];
    expect(unchecked).toEqual(expect.arrayContaining(added));
    for (const axis of added) await p.locator(`[data-testid=pc-axis-choice][data-axis=${axis}]`).check();
    await expect.poll(() => p.getByTestId('pc-axis').count(), SLOW).toBe(shown.length + 3);
    expect(overlappingPairs(await boxesOf(titles))).toEqual([]);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const hash = await p.evaluate(() => location.hash);
    expect(hash).toMatch(/^#\/hparams\?axes=/);
    expect(decodeURIComponent(hash)).toContain('best_val_loss');
    await p.reload();
    await expect.poll(async () => (await attr(p.getByTestId('pc-axis'), 'data-axis')).length, SLOW).toBe(shown.length + 3);
    expect(await attr(p.getByTestId('pc-axis'), 'data-axis')).toEqual(expect.arrayContaining(['lr', 'optimizer', 'best val loss']));
    expect(phone.errors).toEqual([]);
  });

  it('shows an evaluated run\'s confusion matrix: class names, counts, colour by the share of the row', async () => {
    await page.goto(`${dashboard!.url}#/curves?runs=${encodeURIComponent(EVALUATED)}`);
    const matrix = page.locator(`[data-testid=confusion][data-run="${EVALUATED}"]`);
    await expect.poll(() => matrix.getByTestId('confusion-cell').count(), SLOW).toBe(100);
    const expected = fixtureConfusion();
    expect(await attr(matrix.getByTestId('confusion-row'), 'data-class')).toEqual([...FASHION_MNIST_CLASSES]);
    expect(await matrix.getByTestId('confusion-col').allTextContents()).toEqual([...FASHION_MNIST_CLASSES]);
    const cells = await matrix.getByTestId('confusion-cell').evaluateAll((els) => els.map((e) => ({
      truth: e.getAttribute('data-true'), predicted: e.getAttribute('data-predicted'), text: e.textContent, background: getComputedStyle(e).backgroundColor.replace(/\s/g, ''),
    })));
    const shares = rowShares(expected);
    cells.forEach((c, k) => {
      const [i, j] = [Math.floor(k / 10), k % 10];
      expect([c.truth, c.predicted, c.text]).toEqual([FASHION_MNIST_CLASSES[i], FASHION_MNIST_CLASSES[j], String(expected[i]![j])]);
      expect(c.background).toBe(shareColor(shares[i]![j]!));
    });
    // Shirts taken for T-shirts: 17 of the shirt row.
    const shirt = matrix.locator('[data-testid=confusion-cell][data-true=Shirt][data-predicted="T-shirt/top"]');
    expect(await shirt.textContent()).toBe('17');
    expect(await shirt.getAttribute('title')).toMatch(/^true Shirt, predicted T-shirt\/top: 17 of \d+ \(/);
    await matrix.screenshot({ path: join(SCREENSHOTS, 'confusion.png') });
    // A run never evaluated shows none.
    await page.goto(`${dashboard!.url}#/curves?runs=alexnet`);
    await page.getByTestId('diagnosis').first().waitFor();
    expect(await page.getByTestId('confusion').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('compares runs of one training budget by default, labels every frontier point by its run name, clear of the points', async () => {
    await page.goto(`${dashboard!.url}#/complexity`);
    const budget = page.getByTestId('pareto-budget');
    const points = page.getByTestId('pareto-point');
    const tenEpochs = runs.filter((r) => r.options.epochs === 10);
    await expect.poll(() => points.count(), SLOW).toBe(tenEpochs.length);
    expect(await budget.locator('option:checked').textContent()).toBe(`10 epochs on 700 training images (fashion-mnist) — ${tenEpochs.length} runs`);
    const check = async () => {
      const frontier = (await attr(page.locator('[data-testid=pareto-point][data-frontier=true]'), 'data-run')).sort();
      const labels = page.getByTestId('pareto-label');
      expect((await attr(labels, 'data-run')).sort()).toEqual(frontier);
      // The run's name, not its path (the full path is the label's title).
      for (const label of await labels.all()) {
        const run = (await label.getAttribute('data-run'))!;
        expect(await label.evaluate((e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(''))).toBe(run.split('/').pop());
      }
      const labelBoxes = await boxesOf(labels);
      const pointBoxes = await boxesOf(points);
      expect(overlappingPairs(labelBoxes)).toEqual([]);
      for (const l of labelBoxes) expect(pointBoxes.filter((p) => overlap(l, p))).toEqual([]);
      return frontier.length;
    };
    expect(await check()).toBeGreaterThanOrEqual(3);
    // The sweep's trials and the search's models, trained 1 epoch: another budget, chosen in the page.
    await budget.selectOption({ label: '1 epoch on 700 training images (fashion-mnist) — 9 runs' });
    await expect.poll(() => points.count(), SLOW).toBe(9);
    expect(await check()).toBeGreaterThanOrEqual(2);
    await budget.selectOption('all');
    await expect.poll(() => points.count(), SLOW).toBe(runs.length + 1);
    await check();
    await page.getByTestId('cost-accuracy').screenshot({ path: join(SCREENSHOTS, 'pareto-all.png') });
    expect(errors).toEqual([]);
  });

  it('names the Runs table\'s images/s statistic (the median over epochs, as in Pareto), and keeps the table inside its card', async () => {
    await page.goto(`${dashboard!.url}#/runs`);
    await page.reload();
    const header = page.locator('th:has([data-testid=sort-imagesPerSecond])');
    expect(await header.getAttribute('title')).toMatch(/median over epochs/);
    const resnet = page.locator('[data-testid=run-row][data-run=resnet18]');
    await resnet.waitFor();
    // The same number the Pareto chart's throughput axis uses.
    const { points } = await (await fetch(new URL('/api/costs', dashboard!.url))).json() as { points: { run: string; imagesPerSecond: number }[] };
    expect(points.find((p) => p.run === 'resnet18')!.imagesPerSecond).toBe(450);
    expect(await resnet.textContent()).toContain('450');
    const card = (await page.getByTestId('runs-table').locator('xpath=ancestor::section[1]').boundingBox())!;
    const table = (await page.getByTestId('runs-table').boundingBox())!;
    expect(table.x + table.width).toBeLessThanOrEqual(card.x + card.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('draws the architecture bars at each model\'s own input by default, saying so: LeNet has its 61.7 K parameters', async () => {
    await page.goto(`${dashboard!.url}#/complexity`);
    await page.reload();
    const params = page.getByTestId('bars-params');
    const lenet = params.locator('[data-testid=bar][data-label=lenet]');
    await lenet.waitFor({ timeout: 90_000 });
    expect(Number(await lenet.getAttribute('data-value'))).toBe(61_706);
    expect(await lenet.locator('text.value').textContent()).toBe('61.71 K at 28²');
    expect(await params.locator('figcaption').textContent()).toMatch(/^Parameters at each model's own input/);
    expect(await params.locator('[data-testid=bar][data-label=resnet18-d2l] text.value').textContent()).toMatch(/ at 96²$/);
    await page.getByTestId('complexity-charts').screenshot({ path: join(SCREENSHOTS, 'architectures-own-input.png') });
    // At one common input the title says which, and LeNet's dense layer grows with the map (5.61 M at 224²).
    await page.getByTestId('complexity-input').selectOption('224');
    await expect.poll(() => params.locator('figcaption').textContent(), { timeout: 90_000 }).toMatch(/^Parameters at 224×224/);
    await expect.poll(async () => Number(await lenet.getAttribute('data-value')), { timeout: 90_000 }).toBeGreaterThan(5_000_000);
    expect(errors).toEqual([]);
  });
});
