import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { encodePng } from '../data/png-codec.js';

/*
 * The confusion examples a test evaluation leaves beside report.json, as readers see them: the file's shape, its
 * check, the sprite's decoding and one cell's strip. No TensorFlow.js, for the dashboard's server.
 */

/** The examples of one evaluation beside report.json: cell indices (JSON) and their thumbnails (one PNG sprite). */
export const CONFUSION_EXAMPLES_FILE = 'confusion-examples.json';
export const CONFUSION_EXAMPLES_SPRITE = 'confusion-examples.png';
export const EXAMPLES_PER_CELL = 8;
/** At most this many bytes of raw thumbnail pixels in a sprite: fewer examples per cell (down to 1), then fewer cells. */
export const EXAMPLES_PIXEL_BUDGET = 8 * 1024 * 1024;

/** The examples of one (true, predicted) cell of a confusion matrix, in evaluation (test split) order. */
export interface ConfusionExampleCell {
  true: number;
  predicted: number;
  /** Image indices in the data set (what `cnnlab predict`'s exports and the misclassified grid name). */
  indices: number[];
  /** Positions in the evaluated split: `testIndices[k]` is the how-many-th test image `indices[k]` is. */
  testIndices: number[];
}

/** confusion-examples.json: a cell's thumbnails are row `row` of the sprite, `indices.length` of them from the left. */
export interface ConfusionExamplesFile {
  version: 1;
  split: 'test';
  /** report.json's `test.evaluatedAt` of the same evaluation: a different one there means this file is stale. */
  evaluatedAt: string;
  epoch: number;
  classes: string[];
  /** One thumbnail's size and channels: the data set's own (1 gray, 3 RGB). */
  height: number;
  width: number;
  channels: 1 | 3;
  /** Examples kept per cell at most: EXAMPLES_PER_CELL, or fewer to fit EXAMPLES_PIXEL_BUDGET. The sprite is as wide as its fullest cell. */
  perCell: number;
  /** Cells with examples left out to fit the budget (0 normally). */
  omittedCells: number;
  image: typeof CONFUSION_EXAMPLES_SPRITE;
  cells: (ConfusionExampleCell & { row: number })[];
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

/** A run's confusion-examples.json, checked; null when the run has none. Anything malformed throws naming the field. */
export function readConfusionExamples(runDir: string): ConfusionExamplesFile | null {
  const path = join(runDir, CONFUSION_EXAMPLES_FILE);
  if (!existsSync(path)) return null;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const fail = (field: string, what: string): never => { throw new Error(`${path}: ${field} ${what}`); };
  if (typeof json !== 'object' || json === null) fail('the file', 'must be an object');
  if (json.version !== 1) fail('version', `must be 1; got ${JSON.stringify(json.version)}`);
  if (typeof json.evaluatedAt !== 'string') fail('evaluatedAt', 'must be a string');
  if (!Array.isArray(json.classes) || !json.classes.every((c) => typeof c === 'string')) fail('classes', 'must be a list of class names');
  for (const f of ['height', 'width', 'perCell'] as const) if (!isCount(json[f]) || json[f] === 0) fail(f, 'must be a positive integer');
  if (json.channels !== 1 && json.channels !== 3) fail('channels', 'must be 1 or 3');
  if (json.image !== CONFUSION_EXAMPLES_SPRITE) fail('image', `must be "${CONFUSION_EXAMPLES_SPRITE}"`);
  if (!Array.isArray(json.cells)) fail('cells', 'must be a list');
  const classes = (json.classes as string[]).length, perCell = json.perCell as number;
  (json.cells as unknown[]).forEach((raw, i) => {
    const c = raw as Record<string, unknown>;
    const at = `cells[${i}]`;
    if (typeof c !== 'object' || c === null) fail(at, 'must be an object');
    for (const f of ['true', 'predicted'] as const) if (!isCount(c[f]) || (c[f] as number) >= classes) fail(`${at}.${f}`, `must be a class index below ${classes}`);
    if (!isCount(c.row)) fail(`${at}.row`, 'must be a non-negative integer');
    for (const f of ['indices', 'testIndices'] as const) {
      const list = c[f];
      if (!Array.isArray(list) || !list.every(isCount) || list.length > perCell) fail(`${at}.${f}`, `must be at most ${perCell} non-negative integers`);
    }
    if ((c.indices as number[]).length !== (c.testIndices as number[]).length) fail(`${at}.testIndices`, 'must be as long as indices');
  });
  return { omittedCells: 0, ...json } as unknown as ConfusionExamplesFile;
}

/** One cell's thumbnails side by side, cut from the decoded sprite: a PNG `indices.length` thumbnails wide. */
export function cellStrip(file: ConfusionExamplesFile, sprite: SpriteImage, cell: ConfusionExamplesFile['cells'][number]): Buffer {
  const { height, width, channels } = file;
  const n = cell.indices.length;
  if ((cell.row + 1) * height > sprite.height || n * width > sprite.width) {
    throw new Error(`${CONFUSION_EXAMPLES_SPRITE}: ${sprite.width}x${sprite.height} pixels hold no row ${cell.row} of ${n} thumbnails of ${width}x${height}`);
  }
  const strip = new Uint8Array(height * n * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < n * width; x++) {
      const src = ((cell.row * height + y) * sprite.width + x) * 4, dst = (y * n * width + x) * channels;
      for (let c = 0; c < channels; c++) strip[dst + c] = sprite.data[src + c]!;
    }
  }
  return encodePng(strip, height, n * width, channels);
}

/** A decoded sprite: RGBA rows, whatever the file's colour type. Our own shape, so the published types need no pngjs typings. */
export interface SpriteImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes a sprite PNG (pngjs: RGBA whatever the file's colour type). */
export function decodeSprite(bytes: Buffer): SpriteImage {
  const { width, height, data } = PNG.sync.read(bytes);
  return { width, height, data };
}
