/**
 * What readers of sweeps, searches and queues need, without the training code: sweep.json, search.json and
 * queue.json, read and ranked. This entry point (`@cnnlab/search/records`) loads neither TensorFlow.js nor the
 * architectures, so a server that only shows studies (the dashboard's) stays small; `@cnnlab/search` exports it too.
 */
export { readSweep, rankTrials, eligibleTrials, SWEEP_FILE, SWEEP_FORMAT_VERSION } from './sweep-state.js';
export type { SweepState, SweepStatus, TrialRecord, TrialStatus } from './sweep-state.js';
export { readSearch, summarizeSpaces, SEARCH_FILE, SEARCH_FORMAT_VERSION } from './search-state.js';
export type { ResolvedSearchOptions, SearchModel, SearchModelStatus, SearchState, SpaceSummary } from './search-state.js';
export { QUEUE_FILE, readQueueSnapshot } from './queue-snapshot.js';
export type { QueueSnapshot } from './queue-snapshot.js';
export type { ParamValue } from './spec.js';
