import '@cnnlab/arch-regnet';

export {
  validateSweepSpec, loadSweepSpec, normalizeBase, withParameter, trialOptions, checkTrainOptions, isKnownPath, canonicalJson, firstDifference,
  SweepSpecError, PARAMETER_PATHS,
} from './spec.js';
export type { ParamValue, ParameterSpec, SweepMethod, SweepMetric, MedianRule, SuccessiveHalving, PruningSpec, SweepSpecInput, SweepSpec } from './spec.js';
export { planTrials, gridValues, sampleValue, trialName, describeParams } from './sampling.js';
export type { PlannedTrial } from './sampling.js';
export {
  isBetter, metricSeries, bestOf, median, medianRuleDecision, firstMedianStop, halvingRungs, halvingPromotion,
} from './pruning.js';
export type { MedianRuleOptions, MedianDecision, RungCandidate } from './pruning.js';
export { runSweep, readSweep, rankTrials, eligibleTrials, SWEEP_FILE, SWEEP_FORMAT_VERSION } from './sweep.js';
export type { SweepState, SweepStatus, TrialRecord, TrialStatus, SweepHooks, RunSweepOptions } from './sweep.js';
export { edfAt, edfCurve, edfSteps, compareEdfs, dominantSpace, summaryStats } from './edf.js';
export type { EdfPoint, EdfRelation } from './edf.js';
export {
  runDesignSpaceSearch, readSearch, resolveSearchOptions, sampleModels, summarizeSpaces, writeEdfEvents, spaceSeed,
  SMALL_RANGES, ANYNET_ARCH, errorOf, SEARCH_FILE, SEARCH_FORMAT_VERSION,
} from './design-space.js';
export type {
  DesignSpaceSearchOptions, DesignSpaceHooks, ResolvedSearchOptions, SearchModel, SearchModelStatus, SearchState, SpaceSummary, SpaceChoice,
} from './design-space.js';
export { formatSweepReport, formatSearchReport, formatSearchModels, formatQueueReport, reportThresholds, textTable } from './report.js';
export { trainTo, trainingAction } from './runner.js';
export { LocalTrialExecutor, QUEUE_FILE, readQueueSnapshot } from './executor.js';
export type { TrialExecutor, TrialJob, TrialOutcome, TrialHandlers, QueueSnapshot } from './executor.js';
export type { EngineOptions, TrainingAction } from './runner.js';
export {
  meanSd, seedMargins, MARGIN_METRICS, seedGroupsOfTrials, readableSlug, uniqueSlugs, SEED_PARAMETER, writeSeedMarginRun, readSeedMarginRecord,
  SEED_MARGINS_FILE, SEED_TAGS, SEED_MARGIN_LAYOUT, writeSweepSeedMargins, seedRunDir, SEED_RUNS_DIR, writeRunSeedMargins, configDifferences, SeedMarginError,
} from './seed-margins/index.js';
export type { SeedEpoch, MarginBand, MarginEpoch, MarginMetricName, SeedTrial, SeedMember, SeedGroup, SeedMarginRecord, SeedRun } from './seed-margins/index.js';
