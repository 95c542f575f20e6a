/**
 * In a real browser: clicking a confusion-matrix cell (or Enter/Space on it) opens that (true, predicted) cell's
 * example test images under the matrix — on a run trained and evaluated by the real trainer, on a fixture run whose
 * examples are real Fashion-MNIST images (8 of a 17-image cell), and on a run evaluated before examples existed.
 * Screenshots at 1440 and 390 px go to apps/dashboard/screenshots/ (git-ignored), or to $DASHBOARD_SCREENSHOTS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { decodePng, evaluateRun, gatherImages, readConfig, readConfusionExamples, stratifiedSubset, train, type RunReport } from '@cnnlab/trainer';
import '@cnnlab/arch-lenet';
import type { Dashboard } from '../server/index.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, SCREENSHOTS, type BrowserSession } from './browser.js';
import { fashionMnist, fixtureConfusion, fixtureExamples, writeEvaluatedRun } from './confusion-fixture.js';

const FIXTURE = 'evaluated/lenet-examples';
const OLD = 'evaluated/lenet-before-examples';
const REAL = 'lenet-real';
/** The first answers come after the server's first scan of the logdir, seconds on a loaded machine. */
const SLOW = { timeout: 30_000 };

if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's confusion-examples browser tests. ${MISSING_CHROMIUM}`);

const curvesOf = (dashboard: Dashboard, run: string) => `${dashboard.url}#/curves?runs=${encodeURIComponent(run)}`;
const matrixOf = (page: Page, run: string) => page.locator(`[data-testid=confusion][data-run="${run}"]`);
const attrs = (locator: Locator, name: string) => locator.evaluateAll((els, n) => els.map((e) => e.getAttribute(n)!), name);

/** A screenshot of `locator` on the whole page from the top, so the sticky header does not cover it. */
async function screenshotOf(page: Page, locator: Locator, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = (await locator.boundingBox())!;
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true, clip: box });
}

/** The gray pixels a thumbnail shows on screen, read at the centre of each source pixel of an `zoom`-times enlargement. */
async function shownPixels(thumb: Locator, side: number): Promise<Uint8Array> {
  const shot = decodePng(await thumb.screenshot(), 1);
  const zoom = shot.width / side;
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = shot.pixels[Math.floor((y + 0.5) * zoom) * shot.width + Math.floor((x + 0.5) * zoom)]!;
  return out;
}

describe.runIf(runBrowserTests)('a confusion cell\'s example images', () => {
  let session: BrowserSession | undefined;
  let logdir: string;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    session = await browserSession('e2e-examples', {
      writeRuns: async (dir) => {
        writeEvaluatedRun(dir, FIXTURE, fixtureConfusion(), { examples: true });
        writeEvaluatedRun(dir, OLD);
        await train({ arch: 'lenet', archOptions: { activation: 'relu' }, epochs: 2, dataset: { limit: 600 }, batchSize: 64, lr: 0.1, logdir: dir, name: REAL });
        await evaluateRun(join(dir, REAL));
      },
    });
    ({ logdir, dashboard, page, errors } = session);
  }, 120_000);
  afterAll(() => session?.close());

  it('clicking an off-diagonal cell shows its 8 first test images, labelled by test index, enlarged crisply', async () => {
    await page.goto(curvesOf(dashboard!, FIXTURE));
    const matrix = matrixOf(page, FIXTURE);
    await expect.poll(() => matrix.getByTestId('confusion-cell').count(), SLOW).toBe(100);
    await matrix.getByRole('button', { name: 'true Shirt, predicted T-shirt/top: 17' }).click();
    const panel = matrix.getByTestId('confusion-examples');
    const examples = panel.getByTestId('confusion-example');
    await expect.poll(() => examples.count()).toBe(8);
    const cell = fixtureExamples(fixtureConfusion()).find((c) => c.true === 6 && c.predicted === 0)!;
    expect(await attrs(examples, 'data-index')).toEqual(cell.indices.map(String));
    expect(await examples.locator('.label').allTextContents()).toEqual(cell.testIndices.map((i) => `#${i}`));
    expect(await panel.locator('h4').textContent()).toMatch(/True Shirt, predicted T-shirt\/top:\s+17 images, the first 8 in test order/);
    const thumbs = panel.getByTestId('confusion-example-image');
    expect(await thumbs.first().evaluate((e) => getComputedStyle(e).imageRendering)).toBe('pixelated');
    const box = (await thumbs.first().boundingBox())!;
    expect([box.width, box.height]).toEqual([84, 84]); // 28 px at 3x
    // What the screen shows is each test image, pixel for pixel.
    const images = gatherImages(fashionMnist(), cell.indices);
    for (let k = 0; k < 8; k++) {
      const shown = await shownPixels(thumbs.nth(k), 28);
      expect(Buffer.from(shown).equals(Buffer.from(images.subarray(k * 784, (k + 1) * 784))), `thumbnail ${k}`).toBe(true);
    }
    await screenshotOf(page, matrix, 'confusion-examples-1440.png');
    // The same button closes it.
    await matrix.getByRole('button', { name: 'true Shirt, predicted T-shirt/top: 17' }).click();
    await expect.poll(() => panel.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('Enter and Space on a focused cell open it; the diagonal shows correctly classified images', async () => {
    const matrix = matrixOf(page, FIXTURE);
    const trousers = matrix.getByRole('button', { name: 'true Trouser, predicted Trouser: 81' });
    await trousers.focus();
    await page.keyboard.press('Enter');
    const panel = matrix.getByTestId('confusion-examples');
    await expect.poll(() => panel.getByTestId('confusion-example').count()).toBe(8);
    expect(await panel.locator('h4').textContent()).toMatch(/^\s*Trouser, classified correctly:\s+81 images/);
    expect(await attrs(panel.getByTestId('confusion-example'), 'data-index')).toEqual(fixtureExamples(fixtureConfusion()).find((c) => c.true === 1 && c.predicted === 1)!.indices.map(String));
    const emptyColumn = (await attrs(matrix.getByTestId('confusion-col'), 'title'))[fixtureConfusion()[0]!.indexOf(0)];
    const empty = matrix.locator(`[data-testid=confusion-cell][data-true="T-shirt/top"][data-predicted="${emptyColumn}"] button`);
    await empty.focus();
    await page.keyboard.press(' ');
    await expect.poll(() => panel.getByTestId('confusion-examples-message').textContent()).toMatch(/^No test image of T-shirt\/top was predicted as /);
    expect(await empty.getAttribute('aria-pressed')).toBe('true');
    expect(errors).toEqual([]);
  });

  it('a run trained and evaluated for real: an off-diagonal cell shows the images its evaluation recorded', async () => {
    const report = JSON.parse(readFileSync(join(logdir, REAL, 'report.json'), 'utf8')) as RunReport;
    const { confusion, classes } = report.test!;
    const off = confusion.flatMap((row, t) => row.map((n, p) => ({ t, p, n }))).filter((c) => c.t !== c.p).sort((a, b) => b.n - a.n)[0]!;
    expect(off.n).toBeGreaterThan(0);
    const recorded = readConfusionExamples(join(logdir, REAL))!.cells.find((c) => c.true === off.t && c.predicted === off.p)!;
    await page.goto(curvesOf(dashboard!, REAL));
    const matrix = matrixOf(page, REAL);
    await expect.poll(() => matrix.getByTestId('confusion-cell').count(), SLOW).toBe(100);
    await matrix.getByRole('button', { name: `true ${classes[off.t]}, predicted ${classes[off.p]}: ${off.n}` }).click();
    const examples = matrix.getByTestId('confusion-example');
    await expect.poll(() => examples.count()).toBe(Math.min(off.n, 8));
    expect(await attrs(examples, 'data-index')).toEqual(recorded.indices.map(String));
    expect(await attrs(examples, 'data-test-index')).toEqual(recorded.testIndices.map(String));
    // The run's 600 images: the stratified subset its config names, as the trainer draws it.
    const config = readConfig(join(logdir, REAL));
    const dataset = stratifiedSubset(fashionMnist(), config.dataset.limit!, config.seed);
    const shown = await shownPixels(matrix.getByTestId('confusion-example-image').last(), 28);
    const last = recorded.indices.at(-1)!;
    expect(dataset.labels[last]).toBe(off.t);
    expect(Buffer.from(shown).equals(Buffer.from(gatherImages(dataset, [last])))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a run evaluated before examples existed says so, and how to get them', async () => {
    await page.goto(curvesOf(dashboard!, OLD));
    const matrix = matrixOf(page, OLD);
    await expect.poll(() => matrix.getByTestId('confusion-cell').count(), SLOW).toBe(100);
    expect(await matrix.getByTestId('confusion-examples-missing').textContent()).toMatch(/^No example images: Evaluated before cnnlab kept example images per cell: `cnnlab evaluate --force \/.*lenet-before-examples`/);
    await matrix.getByRole('button', { name: 'true Shirt, predicted T-shirt/top: 17' }).click();
    await expect.poll(() => matrix.getByTestId('confusion-examples-message').textContent()).toMatch(/cnnlab evaluate --force/);
    expect(errors).toEqual([]);
  });

  it('fits a 390 px phone: the thumbnails wrap inside the card', async () => {
    const phone = await session!.openPage({ width: 390, height: 844 });
    await phone.page.goto(curvesOf(dashboard!, FIXTURE));
    const matrix = matrixOf(phone.page, FIXTURE);
    await expect.poll(() => matrix.getByTestId('confusion-cell').count(), SLOW).toBe(100);
    await matrix.getByRole('button', { name: 'true Shirt, predicted T-shirt/top: 17' }).click();
    const thumbs = matrix.getByTestId('confusion-example-image');
    await expect.poll(() => thumbs.count()).toBe(8);
    const card = (await matrix.boundingBox())!;
    expect(card.x + card.width).toBeLessThanOrEqual(390);
    const boxes = await thumbs.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
    for (const right of boxes) expect(right).toBeLessThanOrEqual(card.x + card.width);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshotOf(phone.page, matrix, 'confusion-examples-390.png');
    expect(phone.errors).toEqual([]);
  });
});
