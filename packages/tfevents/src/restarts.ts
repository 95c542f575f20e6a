import type { DecodedEvent } from './decoded-event.js';

/**
 * TensorBoard's rule for a restarted writer (TensorBoard 2.20,
 * backend/event_processing/plugin_event_accumulator.py, `_CheckForRestartAndMaybePurge`, with
 * `purge_orphaned_data` on, its default): in a run whose files have file_version >= 2, the first
 * `SessionLog { status: START }` is the run's start; every later one at step S is a restart and drops every
 * summary read before it whose step is >= S. Events without a summary (file versions, session logs) stay.
 *
 * cnnlab's readers apply the same rule so that they show what TensorBoard shows.
 */
export class RestartRule {
  private seenStart = false;

  /** The purge step when `event` is a restart, else undefined. Call it for every event, in file order. */
  restartStep(event: DecodedEvent): number | undefined {
    if (event.sessionLog?.status !== 'start') return undefined;
    if (!this.seenStart) {
      this.seenStart = true;
      return undefined;
    }
    return event.step;
  }
}

/** Whether TensorBoard keeps `event` after a restart at `step`. */
export function survivesRestart(event: DecodedEvent, step: number): boolean {
  return !event.summary || event.step < step;
}

/**
 * The events of one run (all its files, in name order) as TensorBoard holds them after applying its restarts.
 * Items may carry more than the event (e.g. its record's bytes): `eventOf` picks the event out.
 */
export function applyRestarts<T = DecodedEvent>(items: Iterable<T>, eventOf: (item: T) => DecodedEvent = (item) => item as DecodedEvent): T[] {
  const rule = new RestartRule();
  let kept: T[] = [];
  for (const item of items) {
    const step = rule.restartStep(eventOf(item));
    if (step !== undefined) kept = kept.filter((k) => survivesRestart(eventOf(k), step));
    kept.push(item);
  }
  return kept;
}
