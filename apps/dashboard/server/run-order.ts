import type { RunSummary } from './types.js';

/** The run list's order: newest first, then by name. The client merges incremental lists in the same order. */
export const newestFirst = (a: RunSummary, b: RunSummary): number => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || a.name.localeCompare(b.name);
