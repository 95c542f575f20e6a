import { join } from 'node:path';
import type { ParamValue } from '../spec.js';
import { seedGroupsOfTrials, type SeedTrial } from './groups.js';
import { writeSeedMarginRun } from './margin-run.js';

/** Where a sweep's margin runs go: `seeds/summary-<slug>` (the dashboard hides `summary-…` runs by default). */
export const SEED_RUNS_DIR = 'seeds';
export const seedRunDir = (slug: string) => `${SEED_RUNS_DIR}/summary-${slug}`;

/** A margin run of a sweep, as sweep.json lists it. */
export interface SeedRun {
  /** Relative to the sweep directory. */
  dir: string;
  params: Record<string, ParamValue>;
  trials: string[];
  seeds: ParamValue[];
}

/**
 * Writes one margin run per group of the sweep's trials that differ only by `seed` and has at least two
 * finished (or pruned) seeds; groups that did not change since the last call are left alone. Returns the
 * sweep's margin runs.
 */
export function writeSweepSeedMargins(sweepDir: string, trials: readonly SeedTrial[]): SeedRun[] {
  const runs: SeedRun[] = [];
  for (const group of seedGroupsOfTrials(trials)) {
    if (group.members.length < 2) continue;
    const dir = seedRunDir(group.slug);
    writeSeedMarginRun(join(sweepDir, dir), group.params, group.members);
    runs.push({ dir, params: group.params, trials: group.members.map((m) => m.name), seeds: group.members.map((m) => m.seed) });
  }
  return runs;
}
