import { describe, expect, it } from 'vitest';
import { createModel, imageInput, initEngine, listArchitectures, summarize, tf } from '@cnnlab/core';
import { ninBlock } from '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';
import { forwardOnce } from '../../../../test-support/forward.js';

const small = { input: [1, 67, 67] as [number, number, number], options: { widthDivisor: 4, dropout: 0 } };

describe('nin family', () => {
  it('registers NiN', () => {
    expect(listArchitectures({ family: 'nin' }).map((s) => s.name)).toEqual(['nin']);
  });

  it('builds a nin_block: a convolution and two 1x1 convolutions, each with ReLU', () => {
    const x = imageInput([3, 32, 32]);
    const y = ninBlock(x, 8, 5, 1, 2);
    const model = tf.model({ inputs: x, outputs: y });
    expect(y.shape).toEqual([null, 32, 32, 8]);
    expect(model.layers.slice(1).map((l) => l.getClassName())).toEqual(['Conv2D', 'Activation', 'Conv2D', 'Activation', 'Conv2D', 'Activation']);
    expect(model.countParams()).toBe(3 * 25 * 8 + 8 + 2 * (8 * 8 + 8));
  });

  it('matches d2l at 1x224x224: 1,992,166 parameters, no dense layers', async () => {
    await initEngine({ backend: 'wasm' });
    const model = createModel('nin');
    const summary = summarize(model, { depth: 1 });
    expect(summary.totals.trainableParams).toBe(1_992_166);
    expect(summary.totals.denseParams).toBe(0);
    expect(summary.totals.macs).toBe(762_297_352);
    expect(summary.rows.map((r) => [r.name, r.outputShape])).toEqual([
      ['stage1', [96, 26, 26]], ['stage2', [256, 12, 12]], ['stage3', [384, 5, 5]], ['head', [10]],
    ]);
    expect(forwardOnce(model)).toEqual({ shape: [1, 10], finite: true });
    model.dispose();
  });

  it('adds batch norm after each convolution when asked', () => {
    const model = createModel('nin', { options: { norm: 'batch' } });
    expect(summarize(model).totals.trainableParams).toBe(1_992_166 + 2 * 3 * (96 + 256 + 384 + 10));
    model.dispose();
  });

  it('rejects an input too small for its pooling stack, naming the layer', () => {
    expect(() => createModel('nin', { input: [1, 64, 64] })).toThrow(/Layer "stage3\.maxpool1" \(MaxPooling2D\) cannot take input 384x2x2/);
  });

  it('overfits a small batch of Fashion-MNIST on wasm (67x67, channels ÷4, no dropout)', async () => {
    const { before, after } = await overfitSmallBatch('nin', { ...small, images: 20, steps: 60, lr: 2e-3 });
    expect(after).toBeLessThan(before * 0.5);
  });

  it('saves and loads with identical outputs', async () => {
    const { before, after } = await saveLoadOutputs('nin', { ...small });
    expect(after).toEqual(before);
  });
});
