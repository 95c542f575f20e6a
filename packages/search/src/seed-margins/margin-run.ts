import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SummaryWriter, type LayoutCategory } from '@cnnlab/tfevents';
import { canonicalJson, type ParamValue } from '../spec.js';
import { readJson, writeJson } from '@cnnlab/trainer/records';
import { MARGIN_METRICS, seedMargins, type MarginEpoch, type MarginMetricName } from './stats.js';
import type { SeedMember } from './groups.js';

/** Beside the events of a margin run: what they hold, so an unchanged group is not written again. */
export const SEED_MARGINS_FILE = 'seed-margins.json';

export const SEED_TAGS = {
  n: 'seeds/n',
  about: 'seeds/about',
  band: (metric: MarginMetricName, part: 'mean' | 'lower' | 'upper') => `seeds/${metric}/${part}`,
} as const;

/** One margin chart per metric (mean between mean − sd and mean + sd); TensorBoard merges equal charts of all runs into one. */
export const SEED_MARGIN_LAYOUT: readonly LayoutCategory[] = [{
  title: 'seeds: mean ± sd',
  charts: MARGIN_METRICS.map((m) => ({
    title: m.title,
    margin: [{ value: SEED_TAGS.band(m.name, 'mean'), lower: SEED_TAGS.band(m.name, 'lower'), upper: SEED_TAGS.band(m.name, 'upper') }],
  })),
}];

/** seed-margins.json. */
export interface SeedMarginRecord {
  version: 1;
  kind: 'seed-margins';
  /** The hyper-parameters the members share (without the seed). */
  params: Record<string, ParamValue>;
  /** Each seed's trial or run, relative to the margin run's study or as named. */
  members: { name: string; seed: ParamValue; epochs: number }[];
  epochs: MarginEpoch[];
}

const cell = (v: ParamValue) => (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\|/g, '\\|');

function aboutText(record: SeedMarginRecord): string {
  const seeds = record.members.map((m) => `${m.name} (seed ${cell(m.seed)}, ${m.epochs} epochs)`).join(', ');
  const params = Object.entries(record.params);
  return [
    `Mean ± one sample standard deviation (n − 1) over ${record.members.length} seeds: ${seeds}.`,
    'Per epoch, only the seeds that reached it count (`seeds/n`); an epoch reached by one seed has no band.',
    ...(params.length ? ['', '| parameter | value |', '| --- | --- |', ...params.map(([k, v]) => `| ${k} | ${cell(v)} |`)] : []),
  ].join('\n');
}

function sameRecord(file: string, record: SeedMarginRecord): boolean {
  if (!existsSync(file)) return false;
  try {
    return canonicalJson(JSON.parse(readFileSync(file, 'utf8'))) === canonicalJson(record);
  } catch {
    return false; // unreadable: written again
  }
}

/**
 * Writes (or brings up to date) the margin run of one seed group in `runDir`: per epoch `seeds/n` and, where at
 * least two seeds reached the epoch, `seeds/<metric>/{mean,lower,upper}`, the layout of SEED_MARGIN_LAYOUT and a
 * text `seeds/about` naming the members and shared parameters. An update appends a new event file that opens
 * with a SessionLog START at step 0, so an open TensorBoard (and cnnlab's readers) drop the previous points and
 * show the new ones: event files stay append-only. Returns false when the group had not changed.
 */
export function writeSeedMarginRun(runDir: string, params: Record<string, ParamValue>, members: readonly SeedMember[]): boolean {
  const record: SeedMarginRecord = {
    version: 1, kind: 'seed-margins', params,
    members: members.map((m) => ({ name: m.name, seed: m.seed, epochs: m.history.length })),
    epochs: seedMargins(members.map((m) => m.history)),
  };
  const file = join(runDir, SEED_MARGINS_FILE);
  if (sameRecord(file, record)) return false;
  mkdirSync(runDir, { recursive: true });
  const writer = new SummaryWriter(runDir);
  writer.sessionStartLog(0);
  writer.text(SEED_TAGS.about, aboutText(record), 0);
  writer.customScalars(SEED_MARGIN_LAYOUT);
  for (const e of record.epochs) {
    const values: Record<string, number> = { [SEED_TAGS.n]: e.n };
    for (const m of MARGIN_METRICS) {
      const band = e.bands?.[m.name];
      if (!band) continue;
      values[SEED_TAGS.band(m.name, 'mean')] = band.mean;
      values[SEED_TAGS.band(m.name, 'lower')] = band.lower;
      values[SEED_TAGS.band(m.name, 'upper')] = band.upper;
    }
    writer.scalars(values, e.epoch);
  }
  // Says the run is complete, so readers (the dashboard) do not take a fresh file for a run in progress.
  writer.sessionEnd('success');
  writer.close();
  writeJson(file, record);
  return true;
}

/** Reads a margin run's seed-margins.json. */
export function readSeedMarginRecord(runDir: string): SeedMarginRecord {
  const file = join(runDir, SEED_MARGINS_FILE);
  const record = readJson<SeedMarginRecord>(file, 'Seed margins');
  if (record.kind !== 'seed-margins') throw new Error(`${file} is not a seed-margins record (kind ${JSON.stringify(record.kind)})`);
  return record;
}
