import { newestFirst } from '../../server/run-order.js';
import type { RunSummary, RunsResponse } from '../../server/types.js';

/**
 * The run list after a poll: a whole list replaces the one held; a delta (`?since=`) replaces the changed runs,
 * adds the new ones and drops the removed, in the server's order. Unchanged runs keep their objects.
 */
export function mergeRuns(held: readonly RunSummary[], res: Pick<RunsResponse, 'runs' | 'delta' | 'removed'>): RunSummary[] {
  if (!res.delta) return res.runs;
  if (res.runs.length === 0 && !res.removed?.length) return held as RunSummary[];
  const byName = new Map(held.map((run) => [run.name, run]));
  for (const name of res.removed ?? []) byName.delete(name);
  for (const run of res.runs) byName.set(run.name, run);
  return [...byName.values()].sort(newestFirst);
}
