/**
 * End to end in a real browser: a run trained by the real trainer and a TensorBoard run of another tool,
 * then a tiny sweep and design-space search run by @cnnlab/search while the dashboard is open,
 * the client built by Vite, the server on an ephemeral port, Debian's chromium driven by playwright-core.
 * Screenshots go to apps/dashboard/screenshots/ (git-ignored).
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH): `apt-get install -y chromium`. Without it the suite fails
 * in CI (CI=true) and is skipped with a message elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { diagnoseFit } from '@cnnlab/analysis';
import { SummaryWriter } from '@cnnlab/tfevents';
import { evaluateRun, fitOptionsOf, readConfig, train, type RunReport } from '@cnnlab/trainer';
import { runDesignSpaceSearch, runSweep } from '@cnnlab/search';
import '@cnnlab/arch-lenet';
import type { Dashboard } from '../server/index.js';
import { dominanceText } from '../src/lib/edf.js';
import { browserAvailable, browserSession, MISSING_CHROMIUM, runBrowserTests, SCREENSHOTS, type BrowserSession } from './browser.js';

/** A full-page screenshot from the top (the sticky header would otherwise sit where the page was scrolled to). */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}
if (!browserAvailable && !process.env.CI) console.warn(`Skipping the dashboard's browser tests. ${MISSING_CHROMIUM}`);

/** A PyTorch-style run (Loss/train, Loss/val, … as simple_value scalars) that overfits after epoch 5. */
function writeForeignRun(logdir: string): void {
  const writer = new SummaryWriter(join(logdir, 'pytorch', 'resnet-baseline'), { flushIntervalMs: 0 });
  const t0 = Date.now() / 1000 - 3600;
  for (let epoch = 1; epoch <= 12; epoch++) {
    const wallTime = t0 + epoch * 40;
    const trainLoss = 1.6 * Math.exp(-0.28 * epoch) + 0.05;
    const valLoss = 1.5 * Math.exp(-0.35 * epoch) + 0.32 + (epoch > 5 ? 0.035 * (epoch - 5) ** 1.3 : 0);
    writer.scalar('Loss/train', trainLoss, epoch, { legacy: true, wallTime });
    writer.scalar('Loss/val', valLoss, epoch, { legacy: true, wallTime });
    writer.scalar('Accuracy/train', 0.98 - 0.5 * Math.exp(-0.3 * epoch), epoch, { legacy: true, wallTime });
    writer.scalar('Accuracy/val', 0.9 - 0.45 * Math.exp(-0.4 * epoch) - (epoch > 5 ? 0.004 * (epoch - 5) : 0), epoch, { legacy: true, wallTime });
  }
  writer.close();
}

describe.runIf(runBrowserTests)('dashboard in a browser', () => {
  let session: BrowserSession | undefined;
  let logdir: string;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let report: RunReport;
  let testAccuracy: number;
  let pageErrors: string[] = [];
  /** A LeNet trained and evaluated by the real trainer, and a run of another tool. */
  async function writeTrainedRuns(dir: string): Promise<void> {
    writeForeignRun(dir);
    // LeNet with ReLU learns within a few epochs of 420 images (the book's sigmoid LeNet needs many more).
    ({ report } = await train({
      arch: 'lenet', archOptions: { activation: 'relu' }, epochs: 5, dataset: { limit: 600 }, batchSize: 64, lr: 0.1, logEveryBatches: 2, logdir: dir, name: 'lenet-fashion',
    }));
    testAccuracy = (await evaluateRun(join(dir, 'lenet-fashion'))).accuracy;
  }

  beforeAll(async () => {
    session = await browserSession('e2e', { writeRuns: writeTrainedRuns, viewport: { width: 1360, height: 900 } });
    ({ dashboard, logdir, page, errors: pageErrors } = session);
  }, 90_000);
  afterAll(() => session?.close());

  it('lists both runs, with the cnnlab run\'s architecture and status', async () => {
    expect(report.status).toBe('finished');
    await page.goto(dashboard!.url);
    const rows = page.getByTestId('run-row');
    // The Runs list is polled every 2 s: a first answer of a loaded machine's scan may hold one run.
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    const cnnlab = page.locator('[data-testid=run-row][data-run="lenet-fashion"]');
    expect(await cnnlab.getByTestId('run-arch').textContent()).toBe('lenet');
    expect(await cnnlab.getByTestId('status').textContent()).toBe('finished');
    expect(await cnnlab.getByTestId('run-test-acc').textContent()).toBe(testAccuracy.toFixed(4));
    const foreign = page.locator('[data-testid=run-row][data-run="pytorch/resnet-baseline"]');
    expect(await foreign.textContent()).toContain('TensorBoard');
    expect(await foreign.getByTestId('status').textContent()).toBe('unknown');

    // Sort by name, then filter.
    await page.getByTestId('sort-name').click();
    expect(await rows.first().getAttribute('data-run')).toBe('lenet-fashion');
    await page.getByTestId('sort-name').click();
    expect(await rows.first().getAttribute('data-run')).toBe('pytorch/resnet-baseline');
    await page.getByTestId('runs-filter').fill('pytorch');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('runs-filter').fill('');
    await expect.poll(() => rows.count()).toBe(2);
    await screenshot(page, '01-runs.png');
  });

  it('shows a run\'s curves with the best epoch marked and the verdict', async () => {
    await page.locator('[data-testid=run-row][data-run="lenet-fashion"]').getByTestId('run-link').click();
    const loss = page.getByTestId('loss-chart');
    const marker = loss.getByTestId('best-epoch-marker');
    await marker.waitFor();
    // The trainer's own diagnosis (report.json), with the run's patience: one source of truth.
    const expected = report.diagnosis!;
    expect(expected).toEqual(diagnoseFit(report.history, fitOptionsOf(readConfig(join(logdir, 'lenet-fashion')))));
    expect(await marker.textContent()).toBe(`best epoch ${expected.bestEpoch}`);
    expect(await page.getByTestId('verdict').textContent()).toBe(expected.verdict);
    expect(await loss.getByTestId('series-path').count()).toBe(2);
    expect(await page.getByTestId('accuracy-chart').getByTestId('series-path').count()).toBe(2);
    await page.getByTestId('scalar-chart').first().waitFor();
    expect(page.url()).toContain('#/curves?runs=lenet-fashion');
    // The confusion matrix the real evaluation wrote into report.json, count for count, every test image in it.
    const { test } = JSON.parse(readFileSync(join(logdir, 'lenet-fashion', 'report.json'), 'utf8')) as RunReport;
    const cells = page.getByTestId('confusion').getByTestId('confusion-cell');
    await expect.poll(() => cells.count(), { timeout: 20_000 }).toBe(test!.classes.length ** 2);
    const counts = (await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count')))));
    expect(counts).toEqual(test!.confusion.flat());
    expect(counts.reduce((a, b) => a + b, 0)).toBe(report.dataset.test);
    await screenshot(page, '02-curves.png');
  });

  it('overlays several runs, shades overfitting, smooths, and switches axes', async () => {
    await page.getByTestId('run-picker').locator('label[data-run="pytorch/resnet-baseline"]').click();
    await expect.poll(() => page.getByTestId('loss-chart').getByTestId('series-path').count(), { timeout: 15_000 }).toBe(4);
    const region = page.getByTestId('loss-chart').getByTestId('overfit-region');
    await region.waitFor();
    expect(await region.textContent()).toContain('overfitting (pytorch/resnet-baseline)');
    expect(await page.getByTestId('diagnosis').count()).toBe(2);
    await page.getByTestId('smoothing').fill('0.6');
    await page.getByTestId('log-scale').check();
    await screenshot(page, '03-curves-overlay.png');

    // Live: an epoch written now appears without reloading (the page polls the run list every 2 s).
    const writer = new SummaryWriter(join(logdir, 'pytorch', 'resnet-baseline'), { flushIntervalMs: 0 });
    writer.scalars({ 'Loss/train': 0.1, 'Loss/val': 0.8, 'Accuracy/train': 0.97, 'Accuracy/val': 0.86 }, 13, { legacy: true });
    writer.close();
    const card = page.locator('[data-testid=diagnosis][data-run="pytorch/resnet-baseline"]');
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain('event files, 13 epochs');
    await page.getByTestId('x-axis').selectOption('relative');
    await expect.poll(() => page.getByTestId('loss-chart').locator('text').filter({ hasText: 'time since start' }).count()).toBe(1);
    await page.getByTestId('loss-chart').getByTestId('best-epoch-marker').first().waitFor();
  });

  it('tabulates hyper-parameters and draws one parallel-coordinates line per run', async () => {
    await page.getByTestId('tab-hparams').click();
    // The PyTorch-style run records no hyper-parameter: it is named in a note, not given a row of "–".
    await expect.poll(() => page.getByTestId('hparams-row').count()).toBe(1);
    expect(await page.getByTestId('pc-line').count()).toBe(1);
    expect(await page.getByTestId('without-hparams').textContent()).toContain('pytorch/resnet-baseline');
    expect(await page.getByTestId('hparams-table').textContent()).toContain('lenet');
    await screenshot(page, '04-hparams.png');
  });

  it('computes both complexity calculators in the browser, and charts the architectures', async () => {
    await page.getByTestId('tab-complexity').click();
    const bn = page.getByTestId('bottleneck-calculator');
    // d2l's example: 28x28x192 → 32 channels with a 5x5 kernel, reduced to 16 first.
    for (const [id, value] of [['bn-h', '28'], ['bn-w', '28'], ['bn-cin', '192'], ['bn-cout', '32'], ['bn-k', '5'], ['bn-reduce', '16']] as const) await bn.getByTestId(id).fill(value);
    expect(await bn.getByTestId('bn-direct').textContent()).toBe('120,422,400');
    expect(await bn.getByTestId('bn-bottleneck').textContent()).toBe('12,443,648');
    expect(await bn.getByTestId('bn-ratio').textContent()).toMatch(/^9\.7× fewer multiplications/);
    await bn.getByTestId('bn-reduce').fill('32');
    await expect.poll(() => bn.getByTestId('bn-bottleneck').textContent()).toBe(thousands(28 * 28 * 192 * 32 + 28 * 28 * 25 * 32 * 32));
    await bn.getByTestId('bn-reduce').fill('16');

    const gc = page.getByTestId('grouped-calculator');
    for (const [id, value] of [['gc-h', '56'], ['gc-w', '56'], ['gc-k', '3'], ['gc-cin', '128'], ['gc-cout', '128'], ['gc-groups', '32']] as const) await gc.getByTestId(id).fill(value);
    expect(await gc.getByTestId('gc-dense').textContent()).toBe(thousands(56 * 56 * 9 * 128 * 128));
    expect(await gc.getByTestId('gc-grouped').textContent()).toBe(thousands((56 * 56 * 9 * 128 * 128) / 32));
    expect(await gc.getByTestId('gc-ratio').textContent()).toMatch(/^32× fewer/);
    await gc.getByTestId('gc-groups').fill('3');
    await expect.poll(() => gc.getByTestId('gc-error').textContent()).toMatch(/cannot both be split into 3 groups/);
    await gc.getByTestId('gc-groups').fill('32');

    await page.getByTestId('layer-table').getByTestId('layer-row').first().waitFor();
    expect(await page.getByTestId('total-params').textContent()).toBe('61,706');
    // compareArchitectures builds every registered model once (seconds).
    await page.getByTestId('bars-params').getByTestId('bar').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('bars-params').getByTestId('bar').count()).toBeGreaterThan(5);
    await screenshot(page, '05-complexity.png');
  });

  it('ranks a sweep\'s trials, with pruned and promoted ones, the best marked and its test accuracy', async () => {
    // A sweep written while the dashboard is open: 3 learning rates, successive halving (rungs of 1 and 2 epochs).
    const started = Date.now();
    const sweep = await runSweep({
      name: 'lenet-lr', method: 'grid', metric: 'valLoss',
      base: { arch: 'lenet', archOptions: { activation: 'relu' }, epochs: 2, dataset: { limit: 300 }, batchSize: 32, logEveryBatches: 0 },
      parameters: { lr: { values: [0.02, 0.1, 0.3] } },
      pruning: { rule: 'halving', eta: 2, minEpochs: 1, maxEpochs: 2 },
    }, { dir: join(logdir, 'sweeps', 'lenet-lr') });
    console.log(`e2e: sweep of ${sweep.trials.length} trials in ${Date.now() - started} ms`);
    expect(sweep.status).toBe('finished');

    await page.getByTestId('tab-sweeps').click();
    const rows = page.getByTestId('trial-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(page.url()).toContain('#/sweeps?sweep=sweeps%2Flenet-lr');
    const best = rows.first();
    expect(await best.getAttribute('data-trial')).toBe(sweep.best!.trial);
    expect(await best.getByTestId('best-mark').count()).toBe(1);
    expect(await best.getByTestId('promoted').textContent()).toBe('promoted to rung 2 (2 epochs)');
    expect(await best.getByTestId('trial-test').textContent()).toBe(sweep.best!.test!.accuracy.toFixed(4));
    expect(await page.getByTestId('sweep-test').textContent()).toContain('the test split was evaluated once, for the');
    for (const i of [1, 2]) expect(await rows.nth(i).getByTestId('status').textContent()).toBe('pruned after epoch 1');
    expect(await page.getByTestId('pc-line').count()).toBe(3);
    await screenshot(page, '06-sweeps.png');

    // A trial opens its curves.
    await best.getByRole('button', { name: sweep.best!.trial }).click();
    await expect.poll(() => page.url()).toContain(`#/curves?runs=${encodeURIComponent(`sweeps/lenet-lr/${sweep.best!.trial}`)}`);
    await expect.poll(() => page.getByTestId('loss-chart').getByTestId('series-path').count()).toBe(2);
    // Still that run after the next poll of the run list (it may be newer than the last one).
    await page.waitForTimeout(2500);
    expect(page.url()).toContain(`#/curves?runs=${encodeURIComponent(`sweeps/lenet-lr/${sweep.best!.trial}`)}`);
  });

  it('compares the design spaces by their EDFs and lists the sampled models', async () => {
    const started = Date.now();
    const search = await runDesignSpaceSearch({
      dir: join(logdir, 'search', 'anynet'), samplesPerSpace: 3, epochs: 1, input: [1, 16, 16], datasetLimit: 300, stages: 2, stemChannels: 8, lr: 0.1, seed: 3,
      ranges: { depth: [1, 2], width: [8, 16], groupWidth: [4, 8] },
    });
    console.log(`e2e: design-space search of ${search.models.length} models in ${Date.now() - started} ms`);
    expect(search.status).toBe('finished');

    await page.getByTestId('tab-search').click();
    const rows = page.getByTestId('model-row');
    await expect.poll(() => rows.count()).toBe(6);
    const chart = page.getByTestId('edf-chart');
    expect(await chart.getByTestId('series-path').count()).toBe(2);
    expect(await chart.getByTestId('legend-item').allTextContents()).toEqual(['AnyNetX_A (3 models)', 'AnyNetX_E (3 models)'].map((t) => expect.stringContaining(t)));
    expect(await page.getByTestId('edf-verdict').textContent()).toBe(dominanceText(search.comparison, search.spaces));
    // Sorted by validation error, best first.
    const errors = (await rows.getByTestId('model-error').allTextContents()).map(Number);
    expect(errors).toEqual([...errors].sort((a, b) => a - b));
    await screenshot(page, '07-design-space.png');

    await page.getByTestId('models-sort-params').click();
    const byParams = search.models.map((m) => m.params!).sort((a, b) => a - b);
    expect(await rows.first().getAttribute('data-run')).toBe(`search/anynet/${search.models.find((m) => m.params === byParams[0])!.runDir}`);
    // A model opens its run's curves.
    const run = (await rows.first().getAttribute('data-run'))!;
    await rows.first().getByTestId('model-link').click();
    await page.locator(`[data-testid=diagnosis][data-run="${run}"]`).waitFor();
    await expect.poll(() => page.getByTestId('loss-chart').getByTestId('series-path').count()).toBe(2);
  });

  it('offers each run\'s scalars as CSV and JSON downloads', async () => {
    const csv = await page.request.get(`${dashboard!.url}api/runs/lenet-fashion/export.csv`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[0]).toBe('tag,step,wall_time,value');
    const json = await page.request.get(`${dashboard!.url}api/runs/${encodeURIComponent('pytorch/resnet-baseline')}/export.json`);
    expect(Object.keys((await json.json()).scalars)).toEqual(['Accuracy/train', 'Accuracy/val', 'Loss/train', 'Loss/val']);
    expect(pageErrors).toEqual([]);
  });
});

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}
