import type { ImageSummary } from '../../server/image-types.js';

/** The trainer's grid of augmented training images (packages/trainer/src/events.ts, TAGS.augmentSamples). */
export const AUGMENT_SAMPLES_TAG = 'augment/samples';

/** Wider than this, an image is scaled down smoothly to fit its card; up to it, pixels stay crisp. */
export const CRISP_MAX_WIDTH = 512;

/** The image summaries of one tag, and the one shown (the chosen step, else the last). */
export interface ImageTag {
  tag: string;
  steps: ImageSummary[];
}

/** Image summaries grouped by tag, steps in order, tags as listed. */
export function byTag(images: readonly ImageSummary[]): ImageTag[] {
  const tags = new Map<string, ImageSummary[]>();
  for (const image of images) tags.set(image.tag, [...(tags.get(image.tag) ?? []), image]);
  return [...tags].map(([tag, steps]) => ({ tag, steps: steps.sort((a, b) => a.step - b.step) }));
}

/**
 * What the augmented-sample grid shows: the trainer draws it once, for the first epoch (step 0 is epoch index 0,
 * "epoch 1"), from the first training images of that epoch's order.
 */
export function augmentCaption(spec: string | null, step: number): string {
  return `${spec ?? 'augmented'} · epoch ${step + 1}'s draws of the first training images`;
}

/** A text summary's Markdown as plain text: its **bold** marks dropped (the misclassified labels bold the true class). */
export const plainText = (markdown: string): string => markdown.replace(/\*\*(.+?)\*\*/g, '$1');

/** White pixels between a grid's cells: the trainer's IMAGE_GRID_GAP (packages/trainer/src/summaries/image-grid.ts; a test holds them equal). */
export const GRID_GAP = 2;

/** One image of a labelled grid (the misclassified grid): where it sits, as a percentage of the whole image, and what it is. */
export interface GridCell {
  row: number;
  column: number;
  /** The line of the labels, plain: "image 7: true Shirt, predicted T-shirt/top". */
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

const LABEL_LINE = /^\d+\. \(row (\d+), column (\d+)\) (.+)$/;

/**
 * The cells of a grid image from its labels text ("k. (row r, column c) image i: true **X**, predicted Y", one
 * numbered line an image, rows and columns from 1; other lines are headings). The grid has as many columns as its widest row and rows as its last;
 * labels that do not describe such a grid give no cells (the image is shown without tooltips).
 */
export function gridCells(labels: string, width: number, height: number): GridCell[] {
  const lines = labels.split('\n').map((l) => l.trim()).filter((l) => /^\d+\. /.test(l));
  const parsed = lines.map((l) => LABEL_LINE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (!parsed.length || parsed.length !== lines.length) return [];
  const cells = parsed.map((m) => ({ row: Number(m[1]), column: Number(m[2]), text: plainText(m[3]!) }));
  const rows = Math.max(...cells.map((c) => c.row)), columns = Math.max(...cells.map((c) => c.column));
  const cellWidth = (width - (columns - 1) * GRID_GAP) / columns, cellHeight = (height - (rows - 1) * GRID_GAP) / rows;
  if (!(cellWidth >= 1 && cellHeight >= 1) || !Number.isInteger(cellWidth) || !Number.isInteger(cellHeight)) return [];
  const pct = (x: number, of: number) => (x / of) * 100;
  return cells.map((c) => ({
    ...c,
    left: pct((c.column - 1) * (cellWidth + GRID_GAP), width),
    top: pct((c.row - 1) * (cellHeight + GRID_GAP), height),
    width: pct(cellWidth, width),
    height: pct(cellHeight, height),
  }));
}
