import { describe, expect, it } from 'vitest';
import {
  createModel, initEngine, listArchitectures, summarize,
} from '@cnnlab/core';
import { denseBlock, transitionBlock } from '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';
import { forwardOnce } from '../../../../test-support/forward.js';
import { blockModel } from '../../../../test-support/block-model.js';

describe('densenet family', () => {
  it('registers the d2l DenseNet and DenseNet-121', () => {
    expect(listArchitectures({ family: 'densenet' }).map((s) => s.name)).toEqual(['densenet-d2l', 'densenet121']);
  });

  it('grows and compresses channels like d2l 8.7.2–8.7.3', () => {
    // d2l: DenseBlock(2, 10) on 3x8x8 gives 23x8x8; transition_block(10) then gives 10x4x4.
    const model = blockModel([3, 8, 8], (x) => transitionBlock(denseBlock(x, 2, 10), 10));
    const s = summarize(model);
    expect(s.rows.filter((r) => r.type === 'Concatenate').map((r) => r.outputShape)).toEqual([[13, 8, 8], [23, 8, 8]]);
    expect(s.rows.at(-1)!.outputShape).toEqual([10, 4, 4]);
    // BN → ReLU → conv, the pre-activation order.
    expect(s.rows.slice(0, 3).map((r) => r.type)).toEqual(['BatchNormalization', 'Activation', 'Conv2D']);
    model.dispose();
  });

  it('matches d2l DenseNet: 758,226 parameters, channels 64 → 192 → 96 → 224 → 112 → 240 → 120 → 248', () => {
    const model = createModel('densenet-d2l');
    const s = summarize(model, { depth: 1 });
    expect(s.totals.trainableParams).toBe(758_226);
    expect(s.rows.map((r) => [r.name, r.outputShape])).toEqual([
      ['stem', [64, 24, 24]],
      ['dense1', [192, 24, 24]],
      ['transition1', [96, 12, 12]],
      ['dense2', [224, 12, 12]],
      ['transition2', [112, 6, 6]],
      ['dense3', [240, 6, 6]],
      ['transition3', [120, 3, 3]],
      ['dense4', [248, 3, 3]],
      ['head', [10]],
    ]);
    model.dispose();
  });

  it('matches torchvision DenseNet-121: 7,978,856 parameters, 2.834 GFLOPS', () => {
    const model = createModel('densenet121');
    const s = summarize(model);
    expect(s.totals.trainableParams).toBe(7_978_856);
    expect(Number((s.totals.macs / 1e9).toFixed(3))).toBe(2.834);
    // Each dense layer: BN-ReLU-conv1x1 to 4·32 channels, then BN-ReLU-conv3x3 to 32, no biases.
    const layer = summarize(model, { depth: 3 }).rows.filter((r) => r.name.startsWith('dense1.layer1'));
    expect(layer.map((r) => [r.type, r.outputShape[0]])).toEqual([
      ['BatchNormalization', 64], ['Activation', 64], ['Conv2D', 128],
      ['BatchNormalization', 128], ['Activation', 128], ['Conv2D', 32], ['Concatenate', 96],
    ]);
    expect(summarize(model, { depth: 1 }).rows.map((r) => r.outputShape[0])).toEqual([64, 256, 128, 512, 256, 1024, 512, 1024, 1000]);
    model.dispose();
  });

  it('drops every BN with norm "none"', () => {
    const model = createModel('densenet-d2l', { options: { norm: 'none' } });
    const s = summarize(model);
    expect(s.rows.some((r) => r.type === 'BatchNormalization')).toBe(false);
    model.dispose();
  });

  it('rejects an input too small for its pooling stack, naming the layer', () => {
    // 8x8: the stem leaves 2x2, transition1 pools to 1x1, transition2 cannot pool 1x1.
    expect(() => createModel('densenet-d2l', { input: [1, 8, 8] })).toThrow(/Layer "transition2\.avgpool1" \(AveragePooling2D\) cannot take input 112x1x1/);
  });

  it('runs a forward pass of every registered model on wasm (one image)', async () => {
    await initEngine({ backend: 'wasm' });
    for (const spec of listArchitectures({ family: 'densenet' })) {
      const model = createModel(spec.name);
      expect(forwardOnce(model), spec.name).toEqual({ shape: [1, spec.defaults.classes], finite: true });
      model.dispose();
    }
  });

  it('densenet-d2l overfits a small batch of Fashion-MNIST on wasm (32x32 input)', async () => {
    const { before, losses } = await overfitSmallBatch('densenet-d2l', { input: [1, 32, 32], images: 20, steps: 15, lr: 3e-3 });
    // The training-mode loss: after 15 steps BN's running statistics still lag the
    // fast-moving weights, so the inference-mode loss is no fair measure yet.
    expect(losses.at(-1)!).toBeLessThan(before * 0.5);
  });

  it('saves and loads with identical outputs', async () => {
    const { before, after } = await saveLoadOutputs('densenet-d2l', { input: [1, 32, 32] });
    expect(after).toEqual(before);
  });
});
