import { gatherImages, type Dataset } from '../data/dataset.js';
import { imageGrid, type ImageGrid } from './image-grid.js';

export interface Misclassified {
  /** Index in the data set. */
  index: number;
  label: number;
  predicted: number;
}

/** The misclassified images at the data set's own size on one grid, and a Markdown list of their labels in grid order. */
export function misclassifiedGrid(dataset: Dataset, wrong: readonly Misclassified[]): { grid: ImageGrid; labels: string } {
  const pixels = gatherImages(dataset, wrong.map((m) => m.index));
  const grid = imageGrid(pixels, wrong.length, dataset.height, dataset.width, dataset.channels as 1 | 3);
  const cols = Math.max(1, Math.ceil(Math.sqrt(wrong.length)));
  const labels = wrong.map((m, k) => `${k + 1}. (row ${Math.floor(k / cols) + 1}, column ${(k % cols) + 1}) image ${m.index}: true **${dataset.classes[m.label] ?? m.label}**, predicted ${dataset.classes[m.predicted] ?? m.predicted}`).join('\n');
  return { grid, labels };
}
