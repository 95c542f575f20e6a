import type { SweepSpecInput } from '../../src/index.js';

/** Tiny budgets: 300 Fashion-MNIST images (210 train / 60 val / 30 test), batches of 32 (7 per epoch). */
export const TINY = { dataset: { limit: 300 }, batchSize: 32, seed: 3, logEveryBatches: 0 } as const;

/** 2 x 2 grid over BN-LeNet's learning rate and BN placement, 2 epochs each. */
export const GRID_SPEC: SweepSpecInput = {
  name: 'grid',
  method: 'grid',
  base: { arch: 'bn-lenet', epochs: 2, ...TINY },
  parameters: {
    lr: { values: [0.1, 0.5] },
    'archOptions.normPosition': { values: ['before', 'after'] },
  },
};
