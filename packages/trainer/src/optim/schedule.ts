export type ScheduleName = 'constant' | 'step' | 'cosine' | 'plateau';

export interface ScheduleConfig {
  name: ScheduleName;
  /** step: multiply by `gamma` every `stepSize` epochs; plateau: by `gamma` after `patience` epochs without improvement. */
  stepSize: number;
  gamma: number;
  /** cosine: the learning rate reached at the last epoch. */
  minLr: number;
  /** Epochs of linear warm-up from lr·warmupStart to lr, before the schedule (any schedule). */
  warmupEpochs: number;
  warmupStart: number;
  patience: number;
  /** plateau: improvement of the validation loss smaller than this does not count. */
  threshold: number;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = { name: 'constant', stepSize: 10, gamma: 0.1, minLr: 0, warmupEpochs: 0, warmupStart: 0.1, patience: 2, threshold: 1e-4 };

/** The part of a schedule that depends on what happened (reduce-on-plateau). */
export interface ScheduleState {
  scale: number;
  best: number | null;
  badEpochs: number;
}

export const initialScheduleState = (): ScheduleState => ({ scale: 1, best: null, badEpochs: 0 });

/** Learning rate for a 0-based epoch. */
export function learningRate(base: number, epoch: number, totalEpochs: number, c: ScheduleConfig, state: ScheduleState): number {
  if (epoch < c.warmupEpochs) {
    const t = (epoch + 1) / c.warmupEpochs;
    return base * (c.warmupStart + (1 - c.warmupStart) * t);
  }
  const e = epoch - c.warmupEpochs;
  const span = Math.max(1, totalEpochs - c.warmupEpochs - 1);
  switch (c.name) {
    case 'constant':
      return base;
    case 'step':
      return base * c.gamma ** Math.floor(e / c.stepSize);
    case 'cosine':
      return c.minLr + (base - c.minLr) * 0.5 * (1 + Math.cos((Math.PI * Math.min(e, span)) / span));
    case 'plateau':
      return base * state.scale;
  }
}

/** After an epoch's validation: reduce-on-plateau counts epochs without improvement. */
export function updateSchedule(c: ScheduleConfig, state: ScheduleState, valLoss: number): ScheduleState {
  if (c.name !== 'plateau') return state;
  if (state.best === null || valLoss < state.best * (1 - c.threshold)) return { ...state, best: valLoss, badEpochs: 0 };
  const badEpochs = state.badEpochs + 1;
  if (badEpochs > c.patience) return { scale: state.scale * c.gamma, best: state.best, badEpochs: 0 };
  return { ...state, badEpochs };
}
