import { examplesAvailability } from './confusion-examples.js';
import type { ConfusionResponse } from './confusion-types.js';
import type { RunState } from './run-state.js';
import { HttpError } from './paths.js';

/**
 * A run's confusion matrix on the test split, from report.json's `test` (written by `cnnlab evaluate` or
 * `train --test`). A run never evaluated answers `source: null`; a matrix that is not a square of counts, one row
 * per class, is a 422 naming the field.
 */
export function confusionOf(run: RunState): ConfusionResponse {
  const empty = { run: run.name, source: null, classes: [], matrix: [], accuracy: null, epoch: null, evaluatedAt: null, examples: { perCell: 0 } };
  const report = run.cnnlabReport;
  if (!report) return { ...empty, message: 'Not a cnnlab run: no report.json.' };
  const test = report.test;
  if (!test) return { ...empty, message: 'Not evaluated on the test split yet (cnnlab evaluate).' };
  const where = `${run.name}/report.json`;
  const { confusion, classes } = test as { confusion?: unknown; classes?: unknown };
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) throw new HttpError(422, `${where}: test.classes must be a list of class names`);
  if (!Array.isArray(confusion) || confusion.length === 0) {
    return { ...empty, classes, accuracy: test.accuracy ?? null, epoch: test.epoch ?? null, evaluatedAt: test.evaluatedAt ?? null, message: 'report.json\'s test evaluation holds no confusion matrix.' };
  }
  if (confusion.length !== classes.length) throw new HttpError(422, `${where}: test.confusion has ${confusion.length} rows for ${classes.length} classes`);
  confusion.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== classes.length || !row.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new HttpError(422, `${where}: test.confusion[${i}] must be ${classes.length} non-negative integer counts`);
    }
  });
  return { run: run.name, source: 'report', classes, matrix: confusion as number[][], accuracy: test.accuracy ?? null, epoch: test.epoch ?? null, evaluatedAt: test.evaluatedAt ?? null,
    examples: examplesAvailability(run) };
}
