import { describe, expect, it } from 'vitest';
import {
  createModel, getArchitecture, imageInput, initEngine, listArchitectures, summarize, tf,
} from '@cnnlab/core';
import { vggBlock } from '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';
import { forwardOnce } from '../../../../test-support/forward.js';

const small = { input: [1, 32, 32] as [number, number, number], options: { widthDivisor: 8, hidden: 256, dropout: 0 } };

describe('vgg family', () => {
  it('registers d2l VGG-11 and torchvision VGG-11/13/16/19 with and without batch norm', () => {
    expect(listArchitectures({ family: 'vgg' }).map((s) => s.name)).toEqual([
      'vgg11', 'vgg11_bn', 'vgg11-d2l', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn',
    ]);
  });

  it('builds a vgg_block: n 3x3 convs with ReLU, then a 2x2 max pool', () => {
    const x = imageInput([3, 32, 32]);
    const y = vggBlock(x, 2, 16);
    const model = tf.model({ inputs: x, outputs: y });
    expect(y.shape).toEqual([null, 16, 16, 16]);
    expect(model.layers.slice(1).map((l) => l.getClassName())).toEqual(['Conv2D', 'Activation', 'Conv2D', 'Activation', 'MaxPooling2D']);
    expect(model.countParams()).toBe(3 * 9 * 16 + 16 + 16 * 9 * 16 + 16);
  });

  it('matches d2l VGG-11 ÷4 at 224x224: 43,093,322 parameters, 128x7x7 features', async () => {
    await initEngine({ backend: 'wasm' });
    const model = createModel('vgg11-d2l');
    const summary = summarize(model, { depth: 1 });
    expect(summary.totals.trainableParams).toBe(43_093_322);
    expect(summary.totals.macs).toBe(512_155_648);
    expect(summary.rows.map((r) => [r.name, r.outputShape])).toEqual([
      ['stage1', [16, 112, 112]], ['stage2', [32, 56, 56]], ['stage3', [64, 28, 28]], ['stage4', [128, 14, 14]], ['stage5', [128, 7, 7]],
      ['flatten1', [6272]], ['fc1', [4096]], ['fc2', [4096]], ['head', [10]],
    ]);
    expect(forwardOnce(model)).toEqual({ shape: [1, 10], finite: true });
    model.dispose();
  });

  // Over 130M parameters each: built and counted, no forward pass.
  it.each([
    ['vgg11', '7.61'], ['vgg11_bn', '7.61'], ['vgg13', '11.31'], ['vgg13_bn', '11.31'],
    ['vgg16', '15.47'], ['vgg16_bn', '15.47'], ['vgg19', '19.63'], ['vgg19_bn', '19.63'],
  ])('%s matches torchvision parameters and %s GFLOPS (build and count only)', (name, gflops) => {
    const model = createModel(name);
    const { totals } = summarize(model);
    const reference = getArchitecture(name).reference!;
    expect(totals.trainableParams).toBe(reference.params);
    expect(totals.macs).toBe(reference.macs);
    expect((totals.macs / 1e9).toFixed(2)).toBe(gflops);
    model.dispose();
  });

  it('published torchvision counts: vgg11 132,863,336 params (7.609 GFLOPS), vgg16 138,357,544 (15.47)', () => {
    expect(getArchitecture('vgg11').reference).toMatchObject({ params: 132_863_336 });
    expect((getArchitecture('vgg11').reference!.macs! / 1e9).toFixed(3)).toBe('7.609');
    expect(getArchitecture('vgg16').reference).toMatchObject({ params: 138_357_544 });
  });

  it('rejects an input too small for its pooling stack, naming the layer', () => {
    expect(() => createModel('vgg11-d2l', { input: [1, 16, 16] })).toThrow(/Layer "stage5\.maxpool1" \(MaxPooling2D\) cannot take input 128x1x1/);
    expect(() => createModel('vgg11', { input: [3, 64, 64], options: { hidden: 64 } })).toThrow(/AdaptiveAvgPool2d\(\(7, 7\)\) after "stage5\.maxpool1" .* got 512x2x2/);
  });

  it('overfits a small batch of Fashion-MNIST on wasm (32x32, channels ÷8, 256 hidden units, no dropout)', async () => {
    const { before, after } = await overfitSmallBatch('vgg11-d2l', { ...small, images: 40, steps: 30, lr: 1e-3 });
    expect(after).toBeLessThan(before * 0.5);
  });

  it('saves and loads VGG-11 with batch norm with identical outputs', async () => {
    const { before, after } = await saveLoadOutputs('vgg11_bn', { classes: 10, options: { widthDivisor: 8, hidden: 64 } });
    expect(after).toEqual(before);
  });
});
