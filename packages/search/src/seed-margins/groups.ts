import { createHash } from 'node:crypto';
import { canonicalJson, type ParamValue } from '../spec.js';
import type { SeedEpoch } from './stats.js';

/** The sweep parameter that names a trial's training seed. */
export const SEED_PARAMETER = 'seed';

/** What grouping needs of a sweep trial (a TrialRecord fits). */
export interface SeedTrial {
  index: number;
  name: string;
  params: Record<string, ParamValue>;
  status: string;
  rung?: number;
  history: readonly SeedEpoch[];
}

export interface SeedMember {
  /** The trial or run directory's name. */
  name: string;
  seed: ParamValue;
  history: readonly SeedEpoch[];
}

/** Trials (or runs) that differ only by their seed. */
export interface SeedGroup {
  /** Directory-safe, readable and unique among the sweep's groups: `lr=0.1,batch_size=128`. */
  slug: string;
  /** The parameters the members share (the sweep's, without the seed). */
  params: Record<string, ParamValue>;
  members: SeedMember[];
}

const SLUG_MAX = 96;
const shortHash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 8);
const valueText = (v: ParamValue) => (typeof v === 'string' ? v : JSON.stringify(v));

/** `lr=0.1,archOptions.normPosition=after`, with anything but letters, digits and `._=,+-` replaced by `_`; `base` without parameters. */
export function readableSlug(params: Record<string, ParamValue>): string {
  const text = Object.entries(params).map(([k, v]) => `${k}=${valueText(v)}`).join(',');
  return text.replace(/[^A-Za-z0-9._=,+-]/g, '_') || 'base';
}

/** Readable slugs made unique: a slug two groups share, or a long one, ends in a hash of the group's parameters. */
export function uniqueSlugs(groups: readonly Record<string, ParamValue>[]): string[] {
  const readable = groups.map(readableSlug);
  const count = new Map<string, number>();
  for (const s of readable) count.set(s, (count.get(s) ?? 0) + 1);
  return readable.map((s, i) => (count.get(s)! > 1 || s.length > SLUG_MAX
    ? `${s.slice(0, SLUG_MAX - 9)}-${shortHash(canonicalJson(groups[i]))}` : s));
}

/**
 * A trial counts once it is settled (finished or pruned), or once successive halving promoted it past a rung
 * (its history up to that rung is complete). Failed trials do not count.
 */
function counts(t: SeedTrial): boolean {
  if (t.status === 'failed') return false;
  return t.status === 'finished' || t.status === 'pruned' || (t.rung ?? 0) > 0;
}

/**
 * The sweep's trials grouped by every parameter but `seed`, one member per seed (the first trial holding it).
 * Every group of the plan is returned, with its members so far; none when the sweep does not vary the seed.
 */
export function seedGroupsOfTrials(trials: readonly SeedTrial[]): SeedGroup[] {
  if (!trials.some((t) => SEED_PARAMETER in t.params)) return [];
  const byKey = new Map<string, { params: Record<string, ParamValue>; trials: SeedTrial[] }>();
  for (const t of [...trials].sort((a, b) => a.index - b.index)) {
    const { [SEED_PARAMETER]: _seed, ...params } = t.params;
    const key = canonicalJson(params);
    const entry = byKey.get(key) ?? { params, trials: [] };
    entry.trials.push(t);
    byKey.set(key, entry);
  }
  const entries = [...byKey.values()];
  const slugs = uniqueSlugs(entries.map((e) => e.params));
  return entries.map((e, i) => {
    const seen = new Set<string>();
    const members: SeedMember[] = [];
    for (const t of e.trials) {
      const seed = t.params[SEED_PARAMETER] ?? null;
      const key = canonicalJson(seed);
      if (!counts(t) || seen.has(key) || !t.history.length) continue;
      seen.add(key);
      members.push({ name: t.name, seed, history: t.history });
    }
    return { slug: slugs[i]!, params: e.params, members };
  });
}
