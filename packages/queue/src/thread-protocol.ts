import type { BackendChoice } from '@cnnlab/core';
import type { TrainingAction } from '@cnnlab/search';
import type { RunStatus, TrainOptions } from '@cnnlab/trainer';

export interface ThreadRequest {
  runDir: string;
  group?: string;
  options: TrainOptions;
  epochs: number;
  backend?: BackendChoice;
  /** Int32 flag: non-zero stops the trial after its current batch (with a checkpoint). */
  stop: SharedArrayBuffer;
  /** Report every batch (tests and verbose workers). */
  batches: boolean;
}

export type ThreadMessage =
  | { type: 'start'; action: 'train' | 'resume' }
  | { type: 'epoch' }
  | { type: 'batch'; epoch: number; batch: number }
  | { type: 'done'; action: TrainingAction; status: RunStatus; error?: string }
  | { type: 'crash'; message: string };
