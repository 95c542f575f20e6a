export { meanSd, seedMargins, MARGIN_METRICS } from './stats.js';
export type { SeedEpoch, MarginBand, MarginEpoch, MarginMetricName } from './stats.js';
export { seedGroupsOfTrials, readableSlug, uniqueSlugs, SEED_PARAMETER } from './groups.js';
export type { SeedTrial, SeedMember, SeedGroup } from './groups.js';
export { writeSeedMarginRun, readSeedMarginRecord, SEED_MARGINS_FILE, SEED_TAGS, SEED_MARGIN_LAYOUT } from './margin-run.js';
export type { SeedMarginRecord } from './margin-run.js';
export { writeSweepSeedMargins, seedRunDir, SEED_RUNS_DIR } from './sweep-margins.js';
export type { SeedRun } from './sweep-margins.js';
export { writeRunSeedMargins, configDifferences, SeedMarginError } from './run-margins.js';
