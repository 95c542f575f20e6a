import { existsSync, readdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { hparamsOf, readConfig, readReport, type TrainConfig } from '@cnnlab/trainer';
import { canonicalJson, type ParamValue } from '../spec.js';
import { SEED_MARGINS_FILE, writeSeedMarginRun, type SeedMarginRecord, readSeedMarginRecord } from './margin-run.js';

export class SeedMarginError extends Error {
  override name = 'SeedMarginError';
}

/** Config fields that may differ between seed repeats: the seed, and where the data lives (as the dashboard's seed groups). */
const IGNORED = new Set(['seed', 'dataset.dir']);

/** A config as dotted paths (`optimizer.momentum`), lists kept whole. */
function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out[prefix] = canonicalJson(value);
  }
  return out;
}

/** The keys (dotted paths) at which two configs differ, other than the seed and the data's folder. */
export function configDifferences(a: TrainConfig, b: TrainConfig): { key: string; a: string | undefined; b: string | undefined }[] {
  const fa = flatten(a), fb = flatten(b);
  return [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort()
    .filter((key) => !IGNORED.has(key) && fa[key] !== fb[key])
    .map((key) => ({ key, a: fa[key], b: fb[key] }));
}

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent + sep);

/**
 * The margin run of cnnlab runs that differ only by their seed (`cnnlab seeds <out> <run>…`), written to `out`
 * as a sweep writes its own. Refuses runs whose configs differ in anything else, naming the key, runs that
 * share a seed, and an `out` that is, or lies inside, a run directory.
 */
export function writeRunSeedMargins(out: string, runDirs: readonly string[]): { record: SeedMarginRecord; written: boolean } {
  if (runDirs.length < 2) throw new SeedMarginError(`Seed margins need at least two runs, got ${runDirs.length}`);
  const runs = runDirs.map((dir) => ({ dir, config: readConfig(dir), report: readReport(dir) }));
  const first = runs[0]!;
  const seenSeeds = new Map<number, string>();
  for (const run of runs) {
    const differences = configDifferences(first.config, run.config);
    if (differences.length) {
      const listed = differences.map((d) => `${d.key} (${d.b ?? 'unset'} in ${run.dir}, ${d.a ?? 'unset'} in ${first.dir})`).join(', ');
      throw new SeedMarginError(`${run.dir} and ${first.dir} differ in more than the seed: ${listed}. Seed margins average runs that differ only by their seed.`);
    }
    const other = seenSeeds.get(run.config.seed);
    if (other !== undefined) throw new SeedMarginError(`${run.dir} and ${other} have the same seed ${run.config.seed}: a seed's repeat adds nothing to the spread`);
    seenSeeds.set(run.config.seed, run.dir);
    if (!run.report.history.length) throw new SeedMarginError(`${run.dir} has no finished epoch yet`);
  }
  const target = resolve(out);
  for (const run of runs) {
    if (inside(target, resolve(run.dir))) throw new SeedMarginError(`${out} lies inside the run ${run.dir}: choose an output folder outside the runs (e.g. runs/summary-seeds)`);
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    if (!existsSync(`${target}/${SEED_MARGINS_FILE}`)) throw new SeedMarginError(`${out} exists and is not a seed-margins run (it has no ${SEED_MARGINS_FILE}): choose another folder`);
    readSeedMarginRecord(target);
  }
  const { seed: _seed, ...params } = hparamsOf(first.config) as Record<string, ParamValue>;
  const members = runs.map((r) => ({ name: relative(process.cwd(), resolve(r.dir)) || '.', seed: r.config.seed, history: r.report.history }));
  const written = writeSeedMarginRun(target, params, members);
  return { record: readSeedMarginRecord(target), written };
}
