/** One epoch of a run, as the trainer logs it. Accuracies are fractions (0..1). */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc?: number;
  valLoss: number;
  valAcc?: number;
}

/**
 * 'inconclusive': no overfitting or underfitting yet, but validation loss rose
 * above its best in the last epoch(s) for fewer than `patience` epochs, so the
 * run cannot yet tell a good fit from the start of overfitting.
 */
export type FitStatus = 'overfitting' | 'underfitting' | 'good-fit' | 'still-improving' | 'inconclusive' | 'insufficient-data';

export interface FitOptions {
  /** Epochs a validation-loss rise must last to count as overfitting (and early stopping's patience); default 2. */
  patience?: number;
  /** Absolute change of validation loss that counts as an improvement or a rise; default 0. */
  minDelta?: number;
  /** Relative improvement of the best validation loss that counts (max'd with minDelta); default 0.005. */
  minRelativeDelta?: number;
  /** Relative rise above the best validation loss that counts as rising; default 0.02. */
  minRise?: number;
  /** Relative fall of training loss (from the best epoch) required to call a rise overfitting; default 0.02. */
  minTrainDrop?: number;
  /** Epochs at the end over which loss slopes are fitted; default 3. */
  window?: number;
  /** Relative fall per epoch that counts as "still falling clearly"; default 0.01 (1%/epoch). */
  minSlope?: number;
  /** Training accuracy this model can reach on this data (e.g. the book's figure); enables the accuracy check. */
  attainableAccuracy?: number;
  /** Training accuracy below accuracyRatio × attainableAccuracy is underfitting; default 0.8. */
  accuracyRatio?: number;
  /** Number of classes: both losses above half the chance level ln(classes) at the end is underfitting. */
  classes?: number;
  /** Without `classes`: training loss that fell less than this fraction over the run (and is flat) is underfitting; default 0.1. */
  minProgress?: number;
  /** Fewer epochs than this give 'insufficient-data'; default 3. */
  minEpochs?: number;
}

export interface Overfitting {
  /** First epoch of the sustained validation-loss rise. */
  start: number;
  /** Last epoch of the rise: shade [start, end]. */
  end: number;
  /** The best epoch the rise is measured from (the weights to keep). */
  from: number;
  /** (valLoss at end − best valLoss) / best valLoss. */
  valLossRise: number;
  /** (trainLoss at the best epoch − trainLoss at end) / trainLoss at the best epoch. */
  trainLossDrop: number;
}

export type UnderfitReason = 'still-falling' | 'low-train-accuracy' | 'high-loss' | 'not-learning';

export interface Underfitting {
  reasons: UnderfitReason[];
  /** Relative change of training loss per epoch over the last `window` epochs (negative: falling). */
  trainLossSlope: number;
  valLossSlope: number;
  /** Training accuracy of the last epoch, when logged. */
  trainAcc: number | null;
  attainableAccuracy: number | null;
}

/** A validation-loss rise at the end of the run, shorter than `patience`. */
export interface RecentRise {
  /** Trailing epochs whose validation loss is above the best by the rise threshold. */
  epochs: number;
  /** (last valLoss − best valLoss) / best valLoss. */
  valLossRise: number;
  /** Validation accuracy at the best epoch and at the last, when logged. */
  valAccFrom: number | null;
  valAccTo: number | null;
}

export interface EpochGap {
  epoch: number;
  /** valLoss − trainLoss. */
  lossGap: number;
  /** trainAcc − valAcc, when both are logged. */
  accGap: number | null;
}

export interface FitDiagnosis {
  /** Epochs used (entries with non-finite losses are left out). */
  epochs: number;
  /** The last epoch that improved the running best validation loss by more than the minimum delta. */
  bestEpoch: number | null;
  bestValLoss: number | null;
  /** The raw minimum of validation loss. */
  minValLossEpoch: number | null;
  minValLoss: number | null;
  /** Where early stopping with `patience` would have stopped (null: it would have run to the end). */
  earlyStopEpoch: number | null;
  overfitting: Overfitting | null;
  underfitting: Underfitting | null;
  /** A rise of validation loss at the end that is not (yet) sustained: the reason for 'inconclusive' (absent in older report.json files). */
  recentRise?: RecentRise | null;
  gaps: EpochGap[];
  status: FitStatus;
  /** One line for humans. */
  verdict: string;
}
