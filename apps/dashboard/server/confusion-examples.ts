import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFUSION_EXAMPLES_FILE, cellStrip, decodeSprite, readConfusionExamples, type ConfusionExamplesFile } from '@cnnlab/trainer/records';
import type { ConfusionExamplesAvailability, ConfusionExamplesResponse, ConfusionResponse } from './confusion-types.js';
import { HttpError } from './paths.js';
import { intParam } from './query.js';
import type { RunState } from './run-state.js';

/**
 * The example images of each confusion cell, from confusion-examples.json and its sprite beside report.json
 * (written by `cnnlab evaluate` / `train --test`): the cell's indices as JSON, its thumbnails as one PNG strip.
 */

const reEvaluate = (run: RunState) => `cnnlab evaluate --force ${run.dir}`;

/** The run's examples when they belong to report.json's test evaluation; else why there are none. */
function examplesFile(run: RunState): { file: ConfusionExamplesFile } | { message: string } {
  const test = run.cnnlabReport?.test;
  if (!test) return { message: 'Not evaluated on the test split yet (cnnlab evaluate).' };
  let file: ConfusionExamplesFile | null;
  try {
    file = readConfusionExamples(run.dir);
  } catch (error) {
    throw new HttpError(422, (error as Error).message.split(run.dir).join(run.name));
  }
  if (!file) return { message: `Evaluated before cnnlab kept example images per cell: \`${reEvaluate(run)}\` measures the test split again and keeps them.` };
  if (file.evaluatedAt !== test.evaluatedAt) {
    return { message: `The example images are of an earlier evaluation (${file.evaluatedAt}) than report.json's (${test.evaluatedAt}): \`${reEvaluate(run)}\` writes new ones.` };
  }
  if (file.classes.length !== test.classes.length) throw new HttpError(422, `${run.name}/${CONFUSION_EXAMPLES_FILE}: ${file.classes.length} classes, report.json's test evaluation ${test.classes.length}`);
  return { file };
}

/** What GET /api/runs/:run/confusion says of the examples: a damaged file is said, not a reason to hide the matrix. */
export function examplesAvailability(run: RunState): ConfusionExamplesAvailability {
  try {
    const found = examplesFile(run);
    return 'file' in found ? { perCell: found.file.perCell } : { perCell: 0, message: found.message };
  } catch (error) {
    if (error instanceof HttpError) return { perCell: 0, message: error.message };
    throw error;
  }
}

/** ?true=<row>&pred=<column>: both required, class indices of the matrix (400 naming the field otherwise). */
function cellParams(query: Record<string, unknown>, classes: number): { t: number; p: number } {
  const param = (name: string, what: string) => {
    const value = intParam(query, name, 0, classes - 1);
    if (value === undefined) throw new HttpError(400, `${name} is required: the ${what} class's index, 0 to ${classes - 1}`);
    return value;
  };
  return { t: param('true', 'true (row)'), p: param('pred', 'predicted (column)') };
}

function evaluated(run: RunState, confusion: ConfusionResponse): ConfusionResponse {
  if (confusion.source === null) throw new HttpError(404, `${run.name} has no confusion matrix: ${confusion.message ?? 'not evaluated'}`);
  return confusion;
}

const runSegment = (run: string) => encodeURIComponent(run).replace(/\./g, '%2E');

/** One cell's examples: their indices, and the URL of their thumbnails (which names the evaluation, so a new one is a new URL). */
export function examplesOf(run: RunState, confusion: ConfusionResponse, query: Record<string, unknown>): ConfusionExamplesResponse {
  const { classes, matrix } = evaluated(run, confusion);
  const { t, p } = cellParams(query, classes.length);
  const found = examplesFile(run);
  const base = { run: run.name, true: t, predicted: p, trueClass: classes[t]!, predictedClass: classes[p]!, count: matrix[t]![p]!, indices: [], testIndices: [], image: null };
  if (!('file' in found)) return { ...base, height: 0, width: 0, perCell: 0, message: found.message };
  const { file } = found;
  const shape = { height: file.height, width: file.width, perCell: file.perCell };
  const cell = file.cells.find((c) => c.true === t && c.predicted === p);
  if (!cell || cell.indices.length === 0) {
    const message = base.count === 0
      ? `No test image of ${base.trueClass} was predicted as ${base.predictedClass}.`
      : `This cell's examples were left out to keep the file small (${file.omittedCells} of the matrix's cells have none).`;
    return { ...base, ...shape, message };
  }
  const image = `/api/runs/${runSegment(run.name)}/confusion/examples.png?${new URLSearchParams({ true: String(t), pred: String(p), evaluated: file.evaluatedAt })}`;
  return { ...base, ...shape, indices: cell.indices, testIndices: cell.testIndices, image };
}

/** The cell's thumbnails side by side at the data set's own size, cut from the run's sprite. */
export function examplesImage(run: RunState, confusion: ConfusionResponse, query: Record<string, unknown>): Buffer {
  const { classes } = evaluated(run, confusion);
  const { t, p } = cellParams(query, classes.length);
  const found = examplesFile(run);
  if (!('file' in found)) throw new HttpError(404, `${run.name}: ${found.message}`);
  const cell = found.file.cells.find((c) => c.true === t && c.predicted === p);
  if (!cell || cell.indices.length === 0) throw new HttpError(404, `${run.name}: no example images of true ${classes[t]}, predicted ${classes[p]}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(run.dir, found.file.image));
  } catch (error) {
    throw new HttpError(422, `${run.name}/${found.file.image}: not readable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return cellStrip(found.file, decodeSprite(bytes), cell);
  } catch (error) {
    throw new HttpError(422, `${run.name}/${found.file.image}: ${(error as Error).message}`);
  }
}
