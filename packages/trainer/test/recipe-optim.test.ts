import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy, tf } from '@cnnlab/core';
import './helpers/test-arch.js';
import { clipGradients, parseClipGrad, resolveTrainConfig, smoothTargets } from '../src/index.js';

describe('label smoothing', () => {
  it('cross-entropy on smoothed targets equals tfjs\'s own labelSmoothing loss', () => {
    const logits = tf.tensor2d([[2, -1, 0.5], [0.1, 0.2, 3]]);
    const oneHot = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
    const ours = softmaxCrossEntropy(smoothTargets(oneHot, 0.1), logits).dataSync()[0]!;
    const theirs = tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0.1).dataSync()[0]!;
    expect(ours).toBeCloseTo(theirs, 6);
    expect(ours).not.toBeCloseTo(softmaxCrossEntropy(oneHot, logits).dataSync()[0]!, 3);
  });

  it('is validated in the config', () => {
    expect(() => resolveTrainConfig({ arch: 'test-bnnet', labelSmoothing: 1 })).toThrow(/labelSmoothing must be in \[0, 1\)/);
    expect(resolveTrainConfig({ arch: 'test-bnnet', labelSmoothing: 0.1 }).labelSmoothing).toBe(0.1);
  });
});

describe('gradient clipping', () => {
  it('norm mode scales all gradients by max/(total norm) as clip_grad_norm_', () => {
    const { grads, norm } = clipGradients([tf.tensor1d([3, 0]), tf.tensor1d([4])], { mode: 'norm', max: 1 });
    expect(norm).toBeCloseTo(5, 6);
    expect(Array.from(grads[0]!.dataSync())[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(grads[1]!.dataSync())[0]).toBeCloseTo(0.8, 5);
  });

  it('leaves gradients under the norm untouched and clamps by value', () => {
    const small = clipGradients([tf.tensor1d([0.3, 0.4])], { mode: 'norm', max: 1 });
    expect(Array.from(small.grads[0]!.dataSync())).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    const value = clipGradients([tf.tensor1d([-2, 0.5, 3])], { mode: 'value', max: 1 });
    expect(Array.from(value.grads[0]!.dataSync())).toEqual([-1, 0.5, 1]);
  });

  it('parses norm:X and value:X and names the option on bad input', () => {
    expect(parseClipGrad('norm:1.5')).toEqual({ mode: 'norm', max: 1.5 });
    expect(parseClipGrad('value:2')).toEqual({ mode: 'value', max: 2 });
    expect(() => parseClipGrad('norm:-1')).toThrow(/--clip-grad: expected norm:X or value:X/);
  });
});

describe('training with label smoothing and clipping', () => {
  it('records both in the config and changes the trained weights', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { train, readConfig, CheckpointStore } = await import('../src/index.js');
    const { TEST_RUN } = await import('./helpers/test-arch.js');
    const logdir = mkdtempSync(join(tmpdir(), 'cnnlab-recipe-'));
    try {
      const base = { ...TEST_RUN, arch: 'test-bnnet', epochs: 1, dataset: { limit: 300 }, logdir };
      const plain = await train({ ...base, name: 'plain' });
      const recipe = await train({ ...base, name: 'recipe', labelSmoothing: 0.1, clipGrad: { mode: 'norm', max: 0.5 } });
      expect(recipe.report.status).toBe('finished');
      const config = readConfig(recipe.runDir);
      expect(config.labelSmoothing).toBe(0.1);
      expect(config.clipGrad).toEqual({ mode: 'norm', max: 0.5 });
      const weights = (dir: string) => new CheckpointStore(join(dir, 'checkpoints')).loadBest()!.tensors[0]!.values;
      expect(Buffer.from(weights(recipe.runDir).buffer).equals(Buffer.from(weights(plain.runDir).buffer))).toBe(false);
    } finally {
      rmSync(logdir, { recursive: true, force: true });
    }
  }, 120_000);
});
