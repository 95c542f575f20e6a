import '@cnnlab/arch-regnet';

export * from './records.js';

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
export { runSweep } from './sweep.js';
export type { SweepHooks, RunSweepOptions } from './sweep.js';
export { edfAt, edfCurve, edfSteps, compareEdfs, dominantSpace, summaryStats } from './edf.js';
export type { EdfPoint, EdfRelation } from './edf.js';
export {
  runDesignSpaceSearch, resolveSearchOptions, sampleModels, writeEdfEvents, spaceSeed, SMALL_RANGES, ANYNET_ARCH, errorOf,
} from './design-space.js';
export type { DesignSpaceSearchOptions, DesignSpaceHooks, SpaceChoice } from './design-space.js';
export { formatSweepReport, formatSearchReport, formatSearchModels, formatQueueReport, reportThresholds, textTable } from './report.js';
export { trainTo, trainingAction } from './runner.js';
export { LocalTrialExecutor } from './executor.js';
export type { TrialExecutor, TrialJob, TrialOutcome, TrialHandlers } from './executor.js';
export type { EngineOptions, TrainingAction } from './runner.js';
export {
  meanSd, seedMargins, MARGIN_METRICS, seedGroupsOfTrials, readableSlug, uniqueSlugs, SEED_PARAMETER, writeSeedMarginRun, readSeedMarginRecord,
  SEED_MARGINS_FILE, SEED_TAGS, SEED_MARGIN_LAYOUT, writeSweepSeedMargins, seedRunDir, SEED_RUNS_DIR, writeRunSeedMargins, configDifferences, SeedMarginError,
} from './seed-margins/index.js';
export type { SeedEpoch, MarginBand, MarginEpoch, MarginMetricName, SeedTrial, SeedMember, SeedGroup, SeedMarginRecord, SeedRun } from './seed-margins/index.js';
