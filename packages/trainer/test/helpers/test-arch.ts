import { batchNorm, conv, dense, dropout, flatten, maxPool, registerArchitecture, relu, scope, type Node } from '@cnnlab/core';

/** Two conv-BN-ReLU-pool blocks, flattened. */
const features = (x: Node, width: number) => {
  for (const [i, filters] of [width, width * 2].entries()) x = scope(`block${i + 1}`, () => maxPool(relu(batchNorm(conv(x, { filters, kernel: 3, padding: 1 }))), { size: 2 }));
  return flatten(x);
};

/** A small conv net with batch norm and dropout: every kind of state a checkpoint must restore. */
registerArchitecture<{ width: number }>({
  name: 'test-dropnet',
  family: 'test',
  description: 'test network: conv-BN-ReLU-pool, dense with dropout',
  source: 'cnnlab',
  defaults: { input: [1, 28, 28], classes: 10, options: { width: 8 }, training: { lr: 0.05, batchSize: 64, epochs: 3 } },
  build: (x, { classes, options }) => {
    const fc = scope('fc', () => dropout(relu(dense(features(x, options.width), 32)), 0.5));
    return scope('head', () => dense(fc, classes));
  },
});

/** test-dropnet without dropout: a step that is the same computation every time, which the torch engine replays natively. */
registerArchitecture<{ width: number }>({
  name: 'test-bnnet',
  family: 'test',
  description: 'test network: conv-BN-ReLU-pool twice, dense',
  source: 'cnnlab',
  defaults: { input: [1, 28, 28], classes: 10, options: { width: 8 }, training: { lr: 0.05, batchSize: 64, epochs: 3 } },
  build: (x, { classes, options }) => scope('head', () => dense(relu(dense(features(x, options.width), 32)), classes)),
});

/** Diverges on purpose: a large learning rate on an unnormalised ReLU net overflows to inf/NaN. */
registerArchitecture<Record<string, never>>({
  name: 'test-divergent',
  family: 'test',
  description: 'test network that diverges',
  source: 'cnnlab',
  defaults: { input: [1, 28, 28], classes: 10, options: {} },
  build: (x, { classes }) => dense(relu(dense(relu(dense(flatten(x), 64)), 64)), classes),
});

export const TEST_RUN = {
  arch: 'test-dropnet',
  epochs: 3,
  batchSize: 64,
  lr: 0.05,
  optimizer: { name: 'sgd' as const, momentum: 0.9 },
  dataset: { limit: 1200 },
  logEveryBatches: 2,
  seed: 7,
};
