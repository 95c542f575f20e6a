import type { FitOptions } from '@cnnlab/analysis';
import type { TrainConfig } from './config.js';

/**
 * The settings a run's fit is diagnosed with: its early-stopping patience (2 when that is 0) and min-delta, and
 * no relative threshold: the best epoch is the trainer's (an epoch improves when it beats the best by more than
 * minDelta), the one whose weights are checkpointed as best and tested. The trainer writes report.json with them
 * and the dashboard recomputes with them, so every view names the same best epoch.
 */
export function fitOptionsOf(config: { earlyStopping?: Partial<TrainConfig['earlyStopping']> } | null | undefined): FitOptions {
  const early = config?.earlyStopping;
  const patience = early?.patience;
  const minDelta = early?.minDelta;
  return {
    patience: typeof patience === 'number' && Number.isInteger(patience) && patience >= 1 ? patience : 2,
    minDelta: typeof minDelta === 'number' && Number.isFinite(minDelta) && minDelta >= 0 ? minDelta : 0,
    minRelativeDelta: 0,
  };
}
