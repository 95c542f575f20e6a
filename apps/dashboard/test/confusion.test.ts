import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFUSION_EXAMPLES_FILE, FASHION_MNIST_CLASSES, decodePng, gatherImages, writeConfusionExamples, type Dataset } from '@cnnlab/trainer';
import { createDashboardApp } from '../server/index.js';
import type { ConfusionExamplesResponse, ConfusionResponse } from '../server/confusion-types.js';
import { fashionMnist, fixtureConfusion, fixtureExamples, writeEvaluatedRun } from './confusion-fixture.js';
import { tempDir, writeForeignRun } from './fixtures.js';
import { studyRuns, writeStudyRun } from './study-fixtures.js';

const logdir = tempDir('dashboard-confusion-');
const COLOUR: Dataset = {
  name: 'colour', count: 3, height: 32, width: 32, channels: 3, classes: [...FASHION_MNIST_CLASSES], source: 'test', labels: Uint8Array.of(0, 1, 0),
  images: Uint8Array.from({ length: 3 * 32 * 32 * 3 }, (_, i) => (i % 3 === 0 ? 200 : i % 3 === 1 ? (i >> 5) % 256 : 17)),
};
let app: ReturnType<typeof createDashboardApp>;
const path = (run: string) => `/api/runs/${encodeURIComponent(run).replace(/\./g, '%2E')}/confusion`;

beforeAll(() => {
  writeEvaluatedRun(logdir, 'evaluated/lenet');
  writeEvaluatedRun(logdir, 'damaged/lenet');
  const file = join(logdir, 'damaged/lenet', 'report.json');
  const report = JSON.parse(readFileSync(file, 'utf8'));
  report.test.confusion[3] = [1, 2, 3];
  writeFileSync(file, JSON.stringify(report));
  writeEvaluatedRun(logdir, 'examples/lenet', fixtureConfusion(), { examples: true });
  writeEvaluatedRun(logdir, 'stale/lenet', fixtureConfusion(), { examples: true });
  const stale = join(logdir, 'stale/lenet', 'report.json');
  writeFileSync(stale, JSON.stringify({ ...JSON.parse(readFileSync(stale, 'utf8')), test: { ...JSON.parse(readFileSync(stale, 'utf8')).test, evaluatedAt: '2025-04-01T00:00:00.000Z' } }));
  writeEvaluatedRun(logdir, 'damaged-examples/lenet', fixtureConfusion(), { examples: true });
  const examplesFile = join(logdir, 'damaged-examples/lenet', CONFUSION_EXAMPLES_FILE);
  const examples = JSON.parse(readFileSync(examplesFile, 'utf8'));
  examples.cells[2].indices = 'all';
  writeFileSync(examplesFile, JSON.stringify(examples));
  // A colour data set (CIFAR-10's size): three 32×32 RGB images whose channels differ.
  writeEvaluatedRun(logdir, 'colour/lenet', [[1, 1], [0, 1]].map((row) => [...row, ...new Array(8).fill(0)]).concat(Array.from({ length: 8 }, () => new Array(10).fill(0))));
  writeConfusionExamples(join(logdir, 'colour/lenet'), COLOUR, [{ true: 0, predicted: 1, indices: [2], testIndices: [0] }], { evaluatedAt: '2025-03-01T11:01:00.000Z', epoch: 3 });
  writeStudyRun(logdir, studyRuns().find((r) => r.name === 'alexnet')!);
  writeForeignRun(logdir, 'pytorch/exp').writer.close();
  app = createDashboardApp({ logdir, scanIntervalMs: 0 });
});

describe('GET /api/runs/:run/confusion', () => {
  it('answers report.json\'s test confusion matrix with the class names', async () => {
    const body = (await request(app).get(path('evaluated/lenet')).expect(200)).body as ConfusionResponse;
    expect(body).toMatchObject({ run: 'evaluated/lenet', source: 'report', classes: [...FASHION_MNIST_CLASSES], matrix: fixtureConfusion(), epoch: 3 });
    const m = fixtureConfusion();
    expect(body.accuracy).toBeCloseTo(m.reduce((s, row, i) => s + row[i]!, 0) / m.flat().reduce((a, b) => a + b, 0), 12);
  });

  it('says why there is none: a run not evaluated, a run of another tool', async () => {
    const alexnet = (await request(app).get(path('alexnet')).expect(200)).body as ConfusionResponse;
    expect(alexnet).toMatchObject({ source: null, matrix: [], message: expect.stringMatching(/Not evaluated/) });
    const foreign = (await request(app).get(path('pytorch/exp')).expect(200)).body as ConfusionResponse;
    expect(foreign).toMatchObject({ source: null, message: expect.stringMatching(/no report\.json/) });
  });

  it('refuses a matrix that is not one row of counts per class with 422 naming the field', async () => {
    const res = await request(app).get(path('damaged/lenet')).expect(422);
    expect(res.body.error).toBe('damaged/lenet/report.json: test.confusion[3] must be 10 non-negative integer counts');
  });

  it('validates the run path as the other run endpoints do', async () => {
    expect((await request(app).get('/api/runs/..%2F..%2Fetc/confusion').expect(403)).body.error).toBeTruthy();
    expect((await request(app).get(path('no/such-run')).expect(404)).body.error).toBeTruthy();
  });
});

const examplesPath = (run: string, query: string, png = false) => `${path(run)}/examples${png ? '.png' : ''}?${query}`;
/** The PNG bytes a URL answers (200, image/png). */
async function pngOf(url: string): Promise<Buffer> {
  const res = await request(app).get(url).buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  }).expect(200).expect('Content-Type', 'image/png');
  return res.body as Buffer;
}
const SHIRT = FASHION_MNIST_CLASSES.indexOf('Shirt'), TSHIRT = FASHION_MNIST_CLASSES.indexOf('T-shirt/top');

describe('GET /api/runs/:run/confusion/examples', () => {
  it('says in the matrix whether the evaluation kept examples, and how to get them when not', async () => {
    const kept = (await request(app).get(path('examples/lenet')).expect(200)).body as ConfusionResponse;
    expect(kept.examples).toEqual({ perCell: 8 });
    const old = (await request(app).get(path('evaluated/lenet')).expect(200)).body as ConfusionResponse;
    expect(old.examples.perCell).toBe(0);
    expect(old.examples.message).toMatch(/^Evaluated before cnnlab kept example images per cell: `cnnlab evaluate --force \/.*evaluated\/lenet`/);
    const stale = (await request(app).get(path('stale/lenet')).expect(200)).body as ConfusionResponse;
    expect(stale.examples.message).toMatch(/of an earlier evaluation \(2025-03-01T11:01:00\.000Z\) than report\.json's \(2025-04-01/);
  });

  it('answers a cell\'s first examples in test order and a URL of their thumbnails, which decode to the test images', async () => {
    const expected = fixtureExamples(fixtureConfusion()).find((c) => c.true === SHIRT && c.predicted === TSHIRT)!;
    const body = (await request(app).get(examplesPath('examples/lenet', `true=${SHIRT}&pred=${TSHIRT}`)).expect(200)).body as ConfusionExamplesResponse;
    expect(body).toMatchObject({ run: 'examples/lenet', true: SHIRT, predicted: TSHIRT, trueClass: 'Shirt', predictedClass: 'T-shirt/top', count: 17, height: 28, width: 28, perCell: 8 });
    expect([body.indices, body.testIndices]).toEqual([expected.indices, expected.testIndices]);
    expect(body.indices).toHaveLength(8);
    expect(body.message).toBeUndefined();
    const strip = decodePng(await pngOf(body.image!), 1);
    expect([strip.width, strip.height]).toEqual([8 * 28, 28]);
    const images = gatherImages(fashionMnist(), body.indices);
    for (let k = 0; k < 8; k++) {
      for (let y = 0; y < 28; y++) {
        const row = strip.pixels.subarray(y * 224 + k * 28, y * 224 + (k + 1) * 28);
        expect(Buffer.from(row).equals(Buffer.from(images.subarray((k * 28 + y) * 28, (k * 28 + y + 1) * 28))), `image ${k}, row ${y}`).toBe(true);
      }
    }
  });

  it('cuts a colour data set\'s thumbnails in colour, at their own 32×32', async () => {
    const body = (await request(app).get(examplesPath('colour/lenet', 'true=0&pred=1')).expect(200)).body as ConfusionExamplesResponse;
    expect(body).toMatchObject({ indices: [2], height: 32, width: 32 });
    const strip = decodePng(await pngOf(body.image!), 3);
    expect([strip.width, strip.height]).toEqual([32, 32]);
    expect(Buffer.from(strip.pixels).equals(Buffer.from(gatherImages(COLOUR, [2])))).toBe(true);
  });

  it('answers the diagonal\'s correctly classified images, and an empty cell with a message', async () => {
    const diagonal = (await request(app).get(examplesPath('examples/lenet', 'true=3&pred=3')).expect(200)).body as ConfusionExamplesResponse;
    expect(diagonal.indices).toEqual(fixtureExamples(fixtureConfusion()).find((c) => c.true === 3 && c.predicted === 3)!.indices);
    for (const i of diagonal.indices) expect(fashionMnist().labels[i]).toBe(3);
    const [t, p] = [0, fixtureConfusion()[0]!.indexOf(0)];
    const empty = (await request(app).get(examplesPath('examples/lenet', `true=${t}&pred=${p}`)).expect(200)).body as ConfusionExamplesResponse;
    expect(empty).toMatchObject({ count: 0, indices: [], image: null, message: `No test image of T-shirt/top was predicted as ${FASHION_MNIST_CLASSES[p]}.` });
    expect((await request(app).get(examplesPath('examples/lenet', `true=${t}&pred=${p}`, true)).expect(404)).body.error).toMatch(/no example images of true T-shirt\/top/);
  });

  it('a run evaluated before examples existed: the message, and 404 for the image', async () => {
    const old = (await request(app).get(examplesPath('evaluated/lenet', 'true=6&pred=0')).expect(200)).body as ConfusionExamplesResponse;
    expect(old).toMatchObject({ count: 17, indices: [], image: null, message: expect.stringMatching(/cnnlab evaluate --force/) });
    expect((await request(app).get(examplesPath('evaluated/lenet', 'true=6&pred=0', true)).expect(404)).body.error).toMatch(/^evaluated\/lenet: Evaluated before/);
  });

  it.each([
    ['pred=0', 400, 'true is required: the true (row) class\'s index, 0 to 9'],
    ['true=1', 400, 'pred is required: the predicted (column) class\'s index, 0 to 9'],
    ['true=abc&pred=0', 400, 'true must be an integer from 0 to 9, got "abc"'],
    ['true=1&pred=10', 400, 'pred must be an integer from 0 to 9, got "10"'],
    ['true=1&true=2&pred=0', 400, 'true must be given once, as a plain value'],
  ])('refuses %s with %i naming the field', async (query, status, error) => {
    expect((await request(app).get(examplesPath('examples/lenet', query)).expect(status)).body.error).toBe(error);
    expect((await request(app).get(examplesPath('examples/lenet', query, true)).expect(status)).body.error).toBe(error);
  });

  it('404 for a run with no confusion matrix, 422 naming the field of a damaged examples file', async () => {
    expect((await request(app).get(examplesPath('alexnet', 'true=0&pred=0')).expect(404)).body.error).toMatch(/^alexnet has no confusion matrix: Not evaluated/);
    expect((await request(app).get(examplesPath('damaged-examples/lenet', 'true=0&pred=0')).expect(422)).body.error)
      .toBe('damaged-examples/lenet/confusion-examples.json: cells[2].indices must be at most 8 non-negative integers');
    // The matrix itself still shows, saying why there are no examples.
    const matrix = (await request(app).get(path('damaged-examples/lenet')).expect(200)).body as ConfusionResponse;
    expect(matrix).toMatchObject({ source: 'report', examples: { perCell: 0, message: expect.stringMatching(/cells\[2\]\.indices must be/) } });
  });
});
