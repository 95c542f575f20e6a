/**
 * What readers of runs need, without the training code: run directories and reports, liveness, the event files'
 * tags and hyper-parameters, lr-find results and confusion examples. This entry point (`@cnnlab/trainer/records`)
 * loads neither TensorFlow.js nor @cnnlab/core's engine, so a server that only shows runs (the dashboard's) stays
 * small; everything here is also exported by `@cnnlab/trainer`.
 */
export { runPaths, readConfig, readReport, readJson, writeJson, findRuns, walkLogdir, isRunDirectory, meanImagesPerSecond, medianImagesPerSecond, IMAGES_PER_SECOND_STATISTIC } from './run-dir.js';
export type { RunReport, RunStatus, EpochMetrics } from './run-dir.js';
export type { TrainConfig, DatasetName } from './config.js';
export { liveRunStatus, lockHolderAlive, INTERRUPTED_MESSAGE } from './run-liveness.js';
export { fitOptionsOf } from './fit-options.js';
export { TAGS, BEST_TAGS, hparamsOf, LAYOUT } from './event-schema.js';
export { LR_FIND_FILE, LR_FIND_TAGS, checkLrFindRecord, describeSuggestion, findLrFinds, formatLearningRate } from './lr-find/record.js';
export type { LrFindRecord } from './lr-find/record.js';
export {
  CONFUSION_EXAMPLES_FILE, CONFUSION_EXAMPLES_SPRITE, cellStrip, decodeSprite, readConfusionExamples,
  type ConfusionExampleCell, type ConfusionExamplesFile, type SpriteImage,
} from './summaries/confusion-examples-file.js';
