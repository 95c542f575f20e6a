import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core/io';
import { SummaryWriter } from '@cnnlab/tfevents';
import { walkLogdir } from '../run-dir.js';
import type { LrRange } from './ramp.js';
import type { RangeTestStop } from './range-test.js';
import type { LrPoint, LrSuggestions } from './suggest.js';

/** Scalar tags of the curve, at step = the point's index. */
export const LR_FIND_TAGS = {
  loss: 'lr_find/loss',
  rawLoss: 'lr_find/raw_loss',
  lr: 'lr_find/lr',
  suggestion: 'lr_find/suggestion',
} as const;

export const LR_FIND_FILE = 'lr-find.json';

/** What `lr-find.json` holds. */
export interface LrFindRecord {
  kind: 'lr-find';
  arch: string;
  dataset: string;
  batchSize: number;
  optimizer: string;
  /** The architecture's d2l learning rate, for comparison. */
  defaultLr: number;
  range: LrRange;
  stoppedBy: RangeTestStop;
  /** The suggested rate: `steepest.lr`. */
  suggestedLr: number;
  suggestions: LrSuggestions;
  points: LrPoint[];
  createdAt: string;
}

/** Writes the curve as TensorBoard scalars (smoothed loss, raw loss and lr per step) and the record as JSON. */
export function writeLrFind(dir: string, record: LrFindRecord): string {
  const writer = new SummaryWriter(dir);
  try {
    for (const p of record.points) {
      writer.scalars({ [LR_FIND_TAGS.loss]: p.smoothedLoss, [LR_FIND_TAGS.rawLoss]: p.loss, [LR_FIND_TAGS.lr]: p.lr }, p.step);
    }
    writer.text(LR_FIND_TAGS.suggestion, describeSuggestion(record), 0);
  } finally {
    writer.close();
  }
  const file = join(dir, LR_FIND_FILE);
  writeFileAtomic(file, Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
  return file;
}

export function describeSuggestion(r: LrFindRecord): string {
  const { steepest, minimumOver10 } = r.suggestions;
  return `Suggested learning rate ${fmt(steepest.lr)} (steepest descent of the smoothed loss, at step ${steepest.step}); `
    + `the minimum/10 rule gives ${fmt(minimumOver10.lr)}; ${r.arch}'s d2l rate is ${fmt(r.defaultLr)}. `
    + `Range ${fmt(r.range.min)}–${fmt(r.range.max)} over ${r.range.steps} steps, stopped by: ${r.stoppedBy} after ${r.points.length} steps.`;
}

/** A learning rate as people write it: 0.1, 3e-4 → 3.00e-4. */
export const formatLearningRate = (x: number): string => (x >= 0.01 && x < 1000 ? String(+x.toPrecision(3)) : x.toExponential(2));
const fmt = formatLearningRate;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks lr-find.json's fields; a wrong one is an error naming the file (`where`) and the field. */
export function checkLrFindRecord(value: unknown, where: string): LrFindRecord {
  const fail = (field: string, want: string): never => {
    throw new Error(`${where}: ${field} must be ${want}`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('the file', 'a JSON object');
  const r = value as Record<string, unknown>;
  if (r.kind !== 'lr-find') fail('kind', '"lr-find"');
  for (const key of ['arch', 'dataset', 'optimizer', 'stoppedBy', 'createdAt'] as const) if (typeof r[key] !== 'string') fail(key, 'a string');
  for (const key of ['batchSize', 'defaultLr', 'suggestedLr'] as const) if (!isNumber(r[key])) fail(key, 'a number');
  const range = r.range as Record<string, unknown> | undefined;
  for (const key of ['min', 'max', 'steps'] as const) if (!isNumber(range?.[key])) fail(`range.${key}`, 'a number');
  const suggestions = r.suggestions as Record<string, Record<string, unknown> | undefined> | undefined;
  for (const rule of ['steepest', 'minimumOver10'] as const) {
    for (const key of ['lr', 'loss', 'step'] as const) if (!isNumber(suggestions?.[rule]?.[key])) fail(`suggestions.${rule}.${key}`, 'a number');
  }
  if (!Array.isArray(r.points) || r.points.length === 0) fail('points', 'a non-empty list');
  (r.points as unknown[]).forEach((p, i) => {
    const point = p as Record<string, unknown> | null;
    for (const key of ['step', 'lr', 'loss', 'smoothedLoss'] as const) if (!isNumber(point?.[key])) fail(`points[${i}].${key}`, 'a number');
    if ((point!.lr as number) <= 0) fail(`points[${i}].lr`, 'positive');
  });
  return value as LrFindRecord;
}


/** Every `cnnlab lr-find` result below `logdir`, newest first; a directory whose lr-find.json cannot be read is a problem naming the file and field. */
export function findLrFinds(logdir: string): { results: { dir: string; name: string; record: LrFindRecord }[]; problems: string[] } {
  const problems: string[] = [];
  const results = walkLogdir(logdir, (dir) => {
    const file = join(dir, LR_FIND_FILE);
    if (!existsSync(file)) return undefined;
    try {
      return checkLrFindRecord(JSON.parse(readFileSync(file, 'utf8')), file);
    } catch (error) {
      problems.push((error as Error).message.startsWith(file) ? (error as Error).message : `${file}: ${(error as Error).message}`);
      return null;
    }
  }).map(({ dir, name, found: record }) => ({ dir, name, record }));
  return { results: results.sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt)), problems };
}
