import { describe, expect, it } from 'vitest';
import { createModel, initEngine, listArchitectures, summarize } from '@cnnlab/core';
import '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';
import { forwardOnce } from '../../../../test-support/forward.js';

const small = { input: [1, 68, 68] as [number, number, number], options: { widthDivisor: 4, hidden: 256 } };

describe('alexnet family', () => {
  it('registers the d2l and torchvision AlexNets', () => {
    expect(listArchitectures({ family: 'alexnet' }).map((s) => s.name)).toEqual(['alexnet', 'alexnet-d2l']);
  });

  it('matches d2l: 46,764,746 parameters, 6400 features at 224x224', () => {
    const model = createModel('alexnet-d2l');
    const summary = summarize(model, { depth: 1 });
    expect(summary.totals.trainableParams).toBe(46_764_746);
    expect(summary.totals.macs).toBe(938_146_176);
    expect(summary.rows.map((r) => [r.name, r.outputShape])).toEqual([
      ['stage1', [96, 26, 26]], ['stage2', [256, 12, 12]], ['stage3', [256, 5, 5]],
      ['flatten1', [6400]], ['fc1', [4096]], ['fc2', [4096]], ['head', [10]],
    ]);
    model.dispose();
  });

  it('matches torchvision: 61,100,840 parameters and 0.714 GFLOPS', () => {
    const model = createModel('alexnet');
    const { totals } = summarize(model);
    expect(totals.trainableParams).toBe(61_100_840);
    expect(totals.macs).toBe(714_188_480);
    expect((totals.macs / 1e9).toFixed(3)).toBe('0.714');
    model.dispose();
  });

  it.each(['alexnet-d2l', 'alexnet'])('%s runs a forward pass on wasm', async (name) => {
    await initEngine({ backend: 'wasm' });
    const model = createModel(name);
    expect(forwardOnce(model)).toEqual({ shape: [1, name === 'alexnet' ? 1000 : 10], finite: true });
    model.dispose();
  });

  it('adds batch norm after each convolution when asked', () => {
    const model = createModel('alexnet-d2l', { ...small, options: { ...small.options, norm: 'batch' } });
    const plain = createModel('alexnet-d2l', small);
    const channels = (96 + 256 + 384 + 384 + 256) / 4;
    expect(summarize(model).totals.trainableParams - summarize(plain).totals.trainableParams).toBe(2 * channels);
    expect(summarize(model).rows.slice(0, 4).map((r) => r.type)).toEqual(['CnnlabPadding2D', 'Conv2D', 'BatchNormalization', 'Activation']);
    model.dispose();
    plain.dispose();
  });

  it('rejects an input too small for its pooling stack, naming the layer', () => {
    expect(() => createModel('alexnet-d2l', { input: [1, 64, 64] })).toThrow(/Layer "stage3\.maxpool1" \(MaxPooling2D\) cannot take input 256x2x2/);
    expect(() => createModel('alexnet', { input: [3, 128, 128] })).toThrow(/AdaptiveAvgPool2d\(\(6, 6\)\) after "stage3\.maxpool1" .* got 256x3x3/);
  });

  it('overfits a small batch of Fashion-MNIST on wasm (68x68, channels ÷4, 256 hidden units)', async () => {
    const { before, after } = await overfitSmallBatch('alexnet-d2l', { ...small, images: 40, steps: 40, lr: 1e-3 });
    expect(after).toBeLessThan(before * 0.5);
  });

  it('saves and loads with identical outputs', async () => {
    const { before, after } = await saveLoadOutputs('alexnet-d2l', { ...small });
    expect(after).toEqual(before);
  });
});
