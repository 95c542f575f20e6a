/**
 * Every course network trains, validates and evaluates on the torch engine without one kernel falling back
 * to tfjs's cpu backend (@cnnlab/backend-torch counts fallbacks). Needs libtorch and the built addon
 * (apt-get install -y libtorch-dev); skipped with a message without them, except in CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInstalledFamilies, resetTorchFallbackCounts, torchFallbackCounts } from '@cnnlab/core';
import { evaluateRun, train, type OptimizerConfig } from '@cnnlab/trainer';
import { torchSuite } from '../../../test-support/torch.js';

const suite = await torchSuite('the course networks\' torch fallback test');

/** The seed architectures at the smallest input their strides and pools allow, with the optimizers the course uses. */
const NETWORKS: { arch: string; size: number; optimizer: Partial<OptimizerConfig> }[] = [
  { arch: 'lenet', size: 28, optimizer: { name: 'sgd', momentum: 0 } },
  { arch: 'bn-lenet', size: 28, optimizer: { name: 'adamw', weightDecay: 0.01 } },
  { arch: 'alexnet-d2l', size: 96, optimizer: { name: 'sgd', momentum: 0.9 } },
  { arch: 'vgg11-d2l', size: 32, optimizer: { name: 'sgd', momentum: 0.9, nesterov: true } },
  { arch: 'nin', size: 96, optimizer: { name: 'adam' } },
  { arch: 'googlenet-d2l', size: 32, optimizer: { name: 'sgd', momentum: 0.9, weightDecay: 1e-4 } },
  { arch: 'resnet18-d2l', size: 32, optimizer: { name: 'sgd', momentum: 0.9 } },
  { arch: 'densenet-d2l', size: 32, optimizer: { name: 'adam', weightDecay: 1e-4 } },
  { arch: 'regnetx32-d2l', size: 32, optimizer: { name: 'sgd', momentum: 0.9 } },
];

describe.runIf(suite.run)('course networks on the torch engine', () => {
  let logdir: string;
  beforeAll(async () => {
    if (!suite.probe.available) throw new Error(suite.missing);
    await loadInstalledFamilies();
    logdir = mkdtempSync(join(tmpdir(), 'cnnlab-torch-nets-'));
  });
  afterAll(() => {
    if (logdir) rmSync(logdir, { recursive: true, force: true });
  });

  it.each(NETWORKS)('$arch: training, validation and test evaluation run every kernel natively', async ({ arch, size, optimizer }) => {
    await resetTorchFallbackCounts();
    const { runDir, report } = await train({
      arch, input: [1, size, size], epochs: 1, batchSize: 8, microBatch: 4, optimizer, dataset: { limit: 40 }, logdir, name: arch, backend: 'torch',
    });
    expect(report).toMatchObject({ status: 'finished', engine: { backend: 'torch' } });
    await evaluateRun(runDir, { backend: 'torch' });
    expect(Object.fromEntries(await torchFallbackCounts()), `${arch}: kernels that fell back to the cpu backend`).toEqual({});
  });
});
