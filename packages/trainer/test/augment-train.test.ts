/**
 * Seeded augmentation in training: recorded in the config and hparams, visible in the events, soft targets
 * through the step, and exact resume after SIGKILL (on the default engine, and captured on torch).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@cnnlab/core';
import { readRunDirectory } from '@cnnlab/tfevents';
import { torchSuite } from '../../../test-support/torch.js';
import { ConfigError, hparamsOf, readConfig, readReport, resolveTrainConfig, resumeRun, stepGradients, TAGS, train } from '../src/index.js';
import { TEST_RUN } from './helpers/test-arch.js';
import { runChild } from './helpers/run-child.js';
import { expectNoDuplicateSteps, expectSameRun, finalState } from './helpers/same-run.js';

/** Every op at once, mixup and cutmix included. */
const EVERY_OP = 'rrc:0.5,crop:2,flip,jitter:0.3,erase:0.25,mixup:0.4,cutmix:1';
const CHILD_TIMEOUT = 600_000;

let logdir: string;
beforeAll(() => {
  logdir = mkdtempSync(join(tmpdir(), 'cnnlab-augment-'));
});
afterAll(() => rmSync(logdir, { recursive: true, force: true }));

describe('augmentation in the config', () => {
  it('is recorded as a canonical spec (off by default) and as an hparam', () => {
    expect(resolveTrainConfig({ arch: 'test-bnnet' }).augment).toBe('off');
    const config = resolveTrainConfig({ arch: 'test-bnnet', augment: 'standard,mixup:0.2' });
    expect(config.augment).toBe('crop:4,flip:0.5,mixup:0.2');
    expect(hparamsOf(config).augment).toBe('crop:4,flip:0.5,mixup:0.2');
  });

  it('rejects a bad spec before training, naming the token', () => {
    expect(() => resolveTrainConfig({ arch: 'test-bnnet', augment: 'flip,blur:3' })).toThrow(ConfigError);
    expect(() => resolveTrainConfig({ arch: 'test-bnnet', augment: 'flip,blur:3' })).toThrow(/token "blur:3" is not an augmentation op/);
  });
});

describe('soft targets through the training step', () => {
  it('one-hot soft targets give the loss, hits and gradients of class indices', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, kernelInitializer: 'glorotUniform' })] });
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1);
    const labels = tf.tensor1d([0, 2, 1, 1, 0], 'int32');
    const soft = tf.oneHot(labels, 3).toFloat();
    const hard = stepGradients(model as unknown as tf.LayersModel, x, labels, 3, 1, variables);
    const mixed = stepGradients(model as unknown as tf.LayersModel, x, soft, 3, 1, variables);
    hard.forEach((t, i) => expect(Array.from(mixed[i]!.dataSync())).toEqual(Array.from(t.dataSync())));
    const halfway = tf.tensor2d([[0.5, 0.5, 0], [0, 0.3, 0.7], [0, 1, 0], [0.6, 0.4, 0], [1, 0, 0]]);
    const [loss] = stepGradients(model as unknown as tf.LayersModel, x, halfway, 3, 1, variables);
    expect(loss!.dataSync()[0]).not.toBeCloseTo(hard[0]!.dataSync()[0]!, 4);
    tf.dispose([x, labels, soft, halfway, ...hard, ...mixed, loss!]);
    model.dispose();
  });
});

describe('an augmented run', () => {
  let reference: string;
  beforeAll(async () => {
    reference = (await train({ ...TEST_RUN, augment: EVERY_OP, logdir, name: 'reference' })).runDir;
  }, CHILD_TIMEOUT);

  it('writes a grid of augmented samples once, at step 0, and trains differently from the plain run', async () => {
    expect(readConfig(reference).augment).toBe('rrc:0.5,crop:2,flip:0.5,jitter:0.3/0.3/0.3,erase:0.25,mixup:0.4,cutmix:1');
    const { events } = await readRunDirectory(reference);
    const images = events.flatMap((e) => (e.summary?.values ?? []).filter((v) => v.tag === TAGS.augmentSamples).map((v) => ({ step: e.step, v })));
    expect(images).toHaveLength(1);
    expect(images[0]!.step).toBe(0);
    expect(images[0]!.v.kind).toBe('image');
    const plain = (await train({ ...TEST_RUN, epochs: 1, logdir, name: 'plain' })).runDir;
    const plainEvents = (await readRunDirectory(plain)).events;
    expect(plainEvents.some((e) => e.summary?.values.some((v) => v.tag === TAGS.augmentSamples))).toBe(false);
    expect(readReport(plain).history[0]!.trainLoss).not.toBe(readReport(reference).history[0]!.trainLoss);
  });

  it('killed with SIGKILL mid-epoch and resumed, ends with the same weights and metrics, bit for bit', async () => {
    const runDir = join(logdir, 'killed');
    const { killed } = await runChild(['train', `${logdir}::killed`, JSON.stringify({ augment: EVERY_OP })], (line) => line === 'batch 2 7');
    expect(killed).toBe(true);
    expect(readReport(runDir).status).toBe('running');
    const state = finalState(runDir).state;
    expect(state.epoch).toBe(1); // killed in epoch 2, resumed from the end of epoch 1
    await resumeRun(runDir);
    expect(readReport(runDir)).toMatchObject({ status: 'finished', resumes: 1 });
    expectSameRun(reference, runDir);
    await expectNoDuplicateSteps(runDir, TEST_RUN.epochs);
  }, CHILD_TIMEOUT);
});

const suite = await torchSuite('the augmented torch-engine resume test');
describe.runIf(suite.run)('an augmented run on torch with step capture (soft targets replayed natively)', () => {
  const BNNET = { arch: 'test-bnnet', epochs: 2, dataset: { limit: 700 }, augment: 'standard,cutmix' };
  it('killed with SIGKILL mid-epoch and resumed, ends bit for bit as the uninterrupted run', async () => {
    if (!suite.probe.available) throw new Error(suite.missing);
    const log: string[] = [];
    const reference = (await train({ ...TEST_RUN, ...BNNET, backend: 'torch', logdir, name: 'torch-reference' }, { log: (m) => log.push(m) })).runDir;
    expect(log.find((m) => m.startsWith('Step capture:'))).toMatch(/replayed from its third run on/);
    const runDir = join(logdir, 'torch-killed');
    const { killed } = await runChild(['train', `${logdir}::torch-killed`, JSON.stringify(BNNET)], (line) => line === 'batch 2 5', { CNNLAB_BACKEND: 'torch' });
    expect(killed).toBe(true);
    await resumeRun(runDir, { backend: 'torch' });
    expect(readReport(runDir)).toMatchObject({ status: 'finished', resumes: 1, engine: { backend: 'torch' } });
    expectSameRun(reference, runDir);
  }, CHILD_TIMEOUT);
});
