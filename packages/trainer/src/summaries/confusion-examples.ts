import { join } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core/io';
import { gatherImages, type Dataset } from '../data/dataset.js';
import { encodePng } from '../data/png-codec.js';
import {
  CONFUSION_EXAMPLES_FILE, CONFUSION_EXAMPLES_SPRITE, EXAMPLES_PER_CELL, EXAMPLES_PIXEL_BUDGET, type ConfusionExampleCell, type ConfusionExamplesFile,
} from './confusion-examples-file.js';

/** Records the first `perCell` images of every (true, predicted) cell, in the order they are fed. */
export class ConfusionExampleCollector {
  private readonly cells = new Map<number, ConfusionExampleCell>();

  constructor(readonly classes: number, readonly perCell = EXAMPLES_PER_CELL) {
    if (!Number.isInteger(perCell) || perCell < 1) throw new Error(`confusion examples: perCell must be a positive integer; got ${perCell}`);
  }

  add(index: number, testIndex: number, label: number, predicted: number): void {
    const key = label * this.classes + predicted;
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = { true: label, predicted, indices: [], testIndices: [] }));
    if (cell.indices.length < this.perCell) {
      cell.indices.push(index);
      cell.testIndices.push(testIndex);
    }
  }

  /** The cells holding any example, true class first then predicted. */
  result(): ConfusionExampleCell[] {
    return [...this.cells.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => ({ ...c, indices: [...c.indices], testIndices: [...c.testIndices] }));
  }
}

/**
 * How many examples per cell, and which cells, fit `budget` bytes of sprite (rows × perCell thumbnails): the
 * most per cell that fits, at least 1; when even one each does not fit, the cells with the most examples kept.
 */
export function fitExamplesToBudget(cells: readonly ConfusionExampleCell[], bytesPerImage: number, perCell: number, budget = EXAMPLES_PIXEL_BUDGET): { perCell: number; cells: ConfusionExampleCell[] } {
  if (cells.length === 0) return { perCell, cells: [] };
  const widest = Math.max(...cells.map((c) => c.indices.length));
  let k = perCell;
  while (k > 1 && cells.length * Math.min(k, widest) * bytesPerImage > budget) k--;
  const trimmed = cells.map((c) => ({ ...c, indices: c.indices.slice(0, k), testIndices: c.testIndices.slice(0, k) }));
  const rows = Math.max(1, Math.floor(budget / (Math.min(k, widest) * bytesPerImage)));
  if (trimmed.length <= rows) return { perCell: k, cells: trimmed };
  const kept = new Set(trimmed.map((c, i) => ({ i, n: c.indices.length })).sort((a, b) => b.n - a.n || a.i - b.i).slice(0, rows).map((e) => e.i));
  return { perCell: k, cells: trimmed.filter((_, i) => kept.has(i)) };
}

/**
 * Writes the examples of a test evaluation beside report.json (sprite first, then the JSON naming it, each
 * atomically): one sprite row per cell, thumbnails at the data set's own size and channels. Returns the sprite's bytes.
 */
export function writeConfusionExamples(runDir: string, dataset: Dataset, found: readonly ConfusionExampleCell[], meta: { evaluatedAt: string; epoch: number; perCell?: number }): { file: ConfusionExamplesFile; spriteBytes: number } {
  const { height, width } = dataset;
  const channels = dataset.channels as 1 | 3;
  const per = height * width * channels;
  const fitted = fitExamplesToBudget(found, per, meta.perCell ?? EXAMPLES_PER_CELL);
  const columns = Math.max(1, ...fitted.cells.map((c) => c.indices.length)), rows = Math.max(1, fitted.cells.length);
  const spriteW = columns * width, spriteH = rows * height;
  const sprite = new Uint8Array(spriteH * spriteW * channels);
  fitted.cells.forEach((cell, row) => {
    const pixels = gatherImages(dataset, cell.indices);
    for (let k = 0; k < cell.indices.length; k++) {
      for (let y = 0; y < height; y++) {
        const src = (k * height + y) * width * channels;
        sprite.set(pixels.subarray(src, src + width * channels), ((row * height + y) * spriteW + k * width) * channels);
      }
    }
  });
  const png = encodePng(sprite, spriteH, spriteW, channels);
  const file: ConfusionExamplesFile = {
    version: 1, split: 'test', evaluatedAt: meta.evaluatedAt, epoch: meta.epoch, classes: [...dataset.classes], height, width, channels,
    perCell: fitted.perCell, omittedCells: found.length - fitted.cells.length, image: CONFUSION_EXAMPLES_SPRITE,
    cells: fitted.cells.map((c, row) => ({ ...c, row })),
  };
  writeFileAtomic(join(runDir, CONFUSION_EXAMPLES_SPRITE), png);
  writeFileAtomic(join(runDir, CONFUSION_EXAMPLES_FILE), JSON.stringify(file) + '\n');
  return { file, spriteBytes: png.length };
}
