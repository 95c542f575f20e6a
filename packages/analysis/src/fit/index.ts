/**
 * Fit diagnosis: the best epoch, over- and underfitting. This entry point (`@cnnlab/analysis/fit`) imports neither
 * @cnnlab/core nor TensorFlow.js, so a server that only reads runs (the dashboard's) need not load them.
 */
export { diagnoseFit } from './diagnose.js';
export { improvesBest, improvementThreshold } from './best-epoch.js';
export type {
  EpochMetrics, FitOptions, FitDiagnosis, FitStatus, Overfitting, Underfitting, UnderfitReason, RecentRise, EpochGap,
} from './types.js';
