/** Shapes of GET /api/costs (types only: the browser bundle imports them). */
import type { RunStatus } from './types.js';

/** What a trained run cost and what it reached: one point of the cost-vs-accuracy (Pareto) chart. */
export interface CostPoint {
  run: string;
  arch: string;
  /** The architecture's family (resnet, vgg…); the architecture's name when it is not registered. */
  family: string;
  status: RunStatus;
  /** The input the run was trained at, channels × height × width. */
  input: number[] | null;
  params: number | null;
  /** Multiply-adds per image at the run's input. */
  macs: number | null;
  /** Training throughput: the median over the run's epochs. */
  imagesPerSecond: number | null;
  bestValAcc: number | null;
  /** Measured once on the test split (cnnlab evaluate); null until then. */
  testAcc: number | null;
  /** The training budget, so that like is compared with like: epochs trained (a run stopped early: the epochs it was given)… */
  epochs: number;
  /** …on a training split of this many images (report.json's dataset.train; null when unknown)… */
  trainImages: number | null;
  /** …of this dataset. */
  dataset: string | null;
}

export interface CostsResponse {
  points: CostPoint[];
}
