import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFUSION_EXAMPLES_FILE, CONFUSION_EXAMPLES_SPRITE, cellStrip, decodePng, decodeSprite, evaluateRun, gatherImages, loadSplit, readConfusionExamples,
  readConfig, readReport, runPaths, train, writeConfusionExamples, type Dataset,
} from '../src/index.js';
import { prepareDataset } from '../src/loop.js';
import { ConfusionExampleCollector, fitExamplesToBudget } from '../src/summaries/confusion-examples.js';
import { TEST_RUN } from './helpers/test-arch.js';

let work: string;
beforeAll(() => { work = mkdtempSync(join(tmpdir(), 'cnnlab-confusion-examples-')); });
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `count` images of `height`×`width`×`channels` whose every pixel says which image and channel it is. */
function handMadeDataset(count: number, height: number, width: number, channels: 1 | 3, classes: number): Dataset {
  const per = height * width * channels;
  const images = new Uint8Array(count * per);
  for (let i = 0; i < count; i++) for (let p = 0; p < per; p++) images[i * per + p] = (i * 7 + p * 3 + (p % channels) * 50) % 256;
  return {
    name: 'hand-made', images, labels: Uint8Array.from({ length: count }, (_, i) => i % classes), count, height, width, channels,
    classes: Array.from({ length: classes }, (_, c) => `class ${c}`), source: 'test',
  };
}

describe('the examples of each confusion cell', () => {
  it('are the first K images of each (true, predicted) pair in test order, the diagonal included', () => {
    // test position → [data set index, true, predicted]
    const seen: [number, number, number][] = [
      [40, 0, 0], [11, 1, 0], [12, 1, 0], [53, 0, 0], [14, 1, 1], [15, 1, 0], [16, 0, 1], [17, 1, 0], [18, 0, 0], [19, 0, 0],
    ];
    const collector = new ConfusionExampleCollector(2, 3);
    seen.forEach(([index, label, predicted], position) => collector.add(index, position, label, predicted));
    expect(collector.result()).toEqual([
      { true: 0, predicted: 0, indices: [40, 53, 18], testIndices: [0, 3, 8] },
      { true: 0, predicted: 1, indices: [16], testIndices: [6] },
      { true: 1, predicted: 0, indices: [11, 12, 15], testIndices: [1, 2, 5] },
      { true: 1, predicted: 1, indices: [14], testIndices: [4] },
    ]);
  });

  it('fit a byte budget: fewer per cell first, then the cells with most examples', () => {
    const cell = (t: number, n: number) => ({ true: t, predicted: 0, indices: Array.from({ length: n }, (_, i) => i), testIndices: Array.from({ length: n }, (_, i) => i) });
    const cells = [cell(0, 8), cell(1, 2), cell(2, 5)];
    expect(fitExamplesToBudget(cells, 100, 8, 3 * 8 * 100).perCell).toBe(8);
    const four = fitExamplesToBudget(cells, 100, 8, 3 * 4 * 100 + 99);
    expect([four.perCell, four.cells.map((c) => c.indices.length)]).toEqual([4, [4, 2, 4]]);
    const two = fitExamplesToBudget(cells, 100, 8, 150);
    expect([two.perCell, two.cells.map((c) => c.true)]).toEqual([1, [0]]);
  });

  it.each([[1, 28, 28], [3, 32, 32]] as const)('are written at the data set\'s own size (%i channels) and decode to its pixels', (channels, h, w) => {
    const dataset = handMadeDataset(30, h, w, channels, 3);
    const dir = mkdtempSync(join(work, 'sprite-'));
    const cells = [
      { true: 0, predicted: 0, indices: [0, 3, 6], testIndices: [0, 1, 2] },
      { true: 2, predicted: 1, indices: [29], testIndices: [7] },
    ];
    const { spriteBytes } = writeConfusionExamples(dir, dataset, cells, { evaluatedAt: '2026-12-07T12:00:00.000Z', epoch: 4 });
    expect(statSync(join(dir, CONFUSION_EXAMPLES_SPRITE)).size).toBe(spriteBytes);
    const file = readConfusionExamples(dir)!;
    expect(file).toMatchObject({ height: h, width: w, channels, perCell: 8, omittedCells: 0, classes: dataset.classes, epoch: 4, cells: cells.map((c, row) => ({ ...c, row })) });
    const sprite = decodeSprite(readFileSync(join(dir, CONFUSION_EXAMPLES_SPRITE)));
    expect([sprite.width, sprite.height]).toEqual([3 * w, 2 * h]); // as many columns as the widest cell
    for (const cell of file.cells) {
      const strip = decodePng(cellStrip(file, sprite, cell), channels);
      expect([strip.width, strip.height]).toEqual([cell.indices.length * w, h]);
      const expected = gatherImages(dataset, cell.indices);
      // Strip pixels back in per-image HWC order.
      const got = new Uint8Array(expected.length);
      for (let k = 0; k < cell.indices.length; k++) {
        for (let y = 0; y < h; y++) got.set(strip.pixels.subarray((y * strip.width + k * w) * channels, (y * strip.width + (k + 1) * w) * channels), ((k * h + y) * w) * channels);
      }
      expect(Buffer.from(got).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it('refuse a damaged file naming the field', () => {
    const dir = mkdtempSync(join(work, 'damaged-'));
    writeConfusionExamples(dir, handMadeDataset(4, 2, 2, 1, 2), [{ true: 1, predicted: 0, indices: [1], testIndices: [0] }], { evaluatedAt: 'x', epoch: 1 });
    const json = JSON.parse(readFileSync(join(dir, CONFUSION_EXAMPLES_FILE), 'utf8'));
    json.cells[0].predicted = 5;
    writeFileSync(join(dir, CONFUSION_EXAMPLES_FILE), JSON.stringify(json));
    expect(() => readConfusionExamples(dir)).toThrow(/confusion-examples\.json: cells\[0\]\.predicted must be a class index below 2/);
    expect(readConfusionExamples(join(work, 'nowhere'))).toBeNull();
  });
});

describe('a test evaluation', () => {
  it('writes each cell\'s first examples beside report.json, consistent with its confusion matrix', async () => {
    const { runDir } = await train({ ...TEST_RUN, epochs: 1, dataset: { limit: 600 }, logdir: work, name: 'evaluated' });
    const result = await evaluateRun(runDir);
    const report = readReport(runDir);
    const file = readConfusionExamples(runDir)!;
    expect(file.evaluatedAt).toBe(report.test!.evaluatedAt);
    expect(file.epoch).toBe(report.test!.epoch);
    const test = loadSplit(runPaths(runDir).split).test;
    const labels = result.classes;
    expect(file.classes).toEqual(labels);
    // Every non-empty cell, min(count, 8) examples each, of the cell's true class, in test order.
    const nonEmpty = report.test!.confusion.flatMap((row, t) => row.flatMap((n, p) => (n > 0 ? [{ t, p, n }] : [])));
    expect(file.cells.map((c) => [c.true, c.predicted, c.indices.length])).toEqual(nonEmpty.map(({ t, p, n }) => [t, p, Math.min(n, 8)]));
    const dataset = await prepareDataset(readConfig(runDir), undefined, {});
    for (const cell of file.cells) {
      cell.indices.forEach((index, k) => expect(test[cell.testIndices[k]!]).toBe(index));
      expect(cell.testIndices).toEqual([...cell.testIndices].sort((a, b) => a - b));
      for (const index of cell.indices) expect(dataset.labels[index]).toBe(cell.true);
    }
    const sprite = decodeSprite(readFileSync(join(runDir, CONFUSION_EXAMPLES_SPRITE)));
    const off = file.cells.find((c) => c.true !== c.predicted)!;
    const strip = decodePng(cellStrip(file, sprite, off), 1);
    expect(Array.from(strip.pixels.subarray(0, 28))).toEqual(Array.from(gatherImages(dataset, [off.indices[0]!]).subarray(0, 28)));
  }, 120_000);
});
