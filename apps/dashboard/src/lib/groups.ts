import type { RunSummary } from '../../server/types.js';

/** How runs are grouped in the Runs table and the Curves picker: by sweep, by design-space search, else by folder. */
/** `value`: runs sharing one value of a chosen hyper-parameter (`lr = 0.1`). */
export type GroupKind = 'sweep' | 'search' | 'folder' | 'value' | 'top';

export interface RunGroup {
  /** The sweep, search or folder path ('' for runs at the top of the logdir). */
  key: string;
  kind: GroupKind;
  runs: RunSummary[];
}

export interface StudyDirs {
  sweeps: string[];
  searches: string[];
}

const within = (name: string, dir: string) => dir === '.' || name.startsWith(`${dir}/`);

/** The group a run belongs to: the deepest sweep or search directory holding it, else its folder. */
export function groupOf(name: string, studies: StudyDirs | undefined): { key: string; kind: GroupKind } {
  let best: { key: string; kind: GroupKind } | null = null;
  for (const [list, kind] of [[studies?.sweeps ?? [], 'sweep'], [studies?.searches ?? [], 'search']] as const) {
    for (const dir of list) if (within(name, dir) && (!best || dir.length > best.key.length)) best = { key: dir, kind };
  }
  if (best) return best;
  const slash = name.lastIndexOf('/');
  return slash < 0 ? { key: '', kind: 'top' } : { key: name.slice(0, slash), kind: 'folder' };
}

/**
 * Summary runs: what a tool writes about other runs rather than a training, e.g. a design-space search's EDF
 * runs (`edf-<space>`). Hidden unless asked for.
 */
export function isSummaryRun(run: RunSummary): boolean {
  const base = run.name.slice(run.name.lastIndexOf('/') + 1);
  return /^(edf|summary)[-_]/i.test(base);
}

/** Runs grouped, groups in the order their first run appears in `runs` (already sorted), so sorting orders groups too. */
export function groupRuns(runs: readonly RunSummary[], studies: StudyDirs | undefined): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const { key, kind } = groupOf(run.name, studies);
    const id = `${kind}:${key}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, kind, runs: [] }));
    g.runs.push(run);
  }
  return [...groups.values()];
}

/** A case-insensitive regular expression from the filter box; null when empty; an Error when it does not parse. */
export function filterRegex(text: string): RegExp | null | Error {
  if (!text.trim()) return null;
  try {
    return new RegExp(text.trim(), 'i');
  } catch (error) {
    return new Error(`Not a valid regular expression: ${(error as Error).message}`);
  }
}

/** Whether a run matches the filter: its name, architecture or status. */
export function runMatches(run: RunSummary, re: RegExp | null | Error): boolean {
  if (re === null) return true;
  if (re instanceof Error) return false;
  return re.test(run.name) || (run.arch !== null && re.test(run.arch)) || re.test(run.status);
}

/**
 * Runs grouped by one field's value (a hyper-parameter: `lr`, `optimizer`), groups in the order their first run
 * appears; runs without the field form a last group keyed "(none)".
 */
export function groupByValue(runs: readonly RunSummary[], valueOf: (run: RunSummary) => unknown): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  let none: RunGroup | null = null;
  for (const run of runs) {
    const v = valueOf(run);
    if (v === undefined || v === null) {
      (none ??= { key: '(none)', kind: 'value', runs: [] }).runs.push(run);
      continue;
    }
    const key = typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, kind: 'value', runs: [] }));
    g.runs.push(run);
  }
  return none ? [...groups.values(), none] : [...groups.values()];
}
