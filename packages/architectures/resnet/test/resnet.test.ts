import { describe, expect, it } from 'vitest';
import {
  createModel, initEngine, listArchitectures, summarize,
} from '@cnnlab/core';
import { residual, resnextBlock, torchvisionStages } from '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';
import { forwardOnce } from '../../../../test-support/forward.js';
import { blockModel } from '../../../../test-support/block-model.js';

/** A one-block model, to test a block on its own. */
const gflops = (macs: number, digits: number) => Number((macs / 1e9).toFixed(digits));

describe('resnet family', () => {
  it('registers the d2l and torchvision ResNets and ResNeXts', () => {
    expect(listArchitectures({ family: 'resnet' }).map((s) => s.name)).toEqual(
      ['resnet18', 'resnet18-d2l', 'resnet34', 'resnet50', 'resnext-d2l', 'resnext50_32x4d'],
    );
  });

  it('builds the residual block with and without the 1x1 shortcut (d2l 8.6.2)', () => {
    // d2l: Residual(3) keeps 3x6x6; Residual(6, use_1x1conv=True, strides=2) gives 6x3x3.
    const plain = blockModel([3, 6, 6], (x) => residual(x, { channels: 3 }));
    const s1 = summarize(plain);
    expect(s1.rows.at(-1)!.outputShape).toEqual([3, 6, 6]);
    expect(s1.totals.trainableParams).toBe(2 * (9 * 3 * 3 + 3) + 2 * 2 * 3);
    const projected = blockModel([3, 6, 6], (x) => residual(x, { channels: 6, shortcut: true, stride: 2 }));
    const s2 = summarize(projected);
    expect(s2.rows.at(-1)!.outputShape).toEqual([6, 3, 3]);
    // conv1 3→6, conv2 6→6, 1x1 shortcut 3→6 (with bias, no BN), two BNs.
    expect(s2.totals.trainableParams).toBe((9 * 3 * 6 + 6) + (9 * 6 * 6 + 6) + (3 * 6 + 6) + 2 * 2 * 6);
    expect(s2.rows.filter((r) => r.type === 'BatchNormalization')).toHaveLength(2);
    plain.dispose();
    projected.dispose();
  });

  it('builds the ResNeXt block with groups = bottleneck channels / group width (d2l 8.6.5)', () => {
    // d2l: ResNeXtBlock(32, 16, 1) on 32x96x96 keeps the shape, with 32/16 = 2 groups.
    const model = blockModel([32, 12, 12], (x) => resnextBlock(x, { channels: 32, groupWidth: 16, bottleneckRatio: 1 }));
    const s = summarize(model);
    expect(s.rows.at(-1)!.outputShape).toEqual([32, 12, 12]);
    const grouped = model.layers.find((l) => l.getClassName() === 'CnnlabGroupedConv2D')!;
    expect(grouped.getConfig().groups).toBe(2);
    expect(s.totals.trainableParams).toBe((32 * 32 + 32) + (9 * 16 * 32 + 32) + (32 * 32 + 32) + 3 * 2 * 32);
    model.dispose();
    expect(() => blockModel([32, 12, 12], (x) => resnextBlock(x, { channels: 40, groupWidth: 16, bottleneckRatio: 1 })))
      .toThrow(/group width 16 does not divide the bottleneck width 40/);
  });

  it('matches d2l ResNet-18: 11,178,378 parameters and the stage shapes of d2l 8.6.4', () => {
    const model = createModel('resnet18-d2l');
    const s = summarize(model, { depth: 1 });
    expect(s.totals.trainableParams).toBe(11_178_378);
    expect(s.rows.map((r) => [r.name, r.outputShape])).toEqual([
      ['stem', [64, 24, 24]],
      ['stage1', [64, 24, 24]],
      ['stage2', [128, 12, 12]],
      ['stage3', [256, 6, 6]],
      ['stage4', [512, 3, 3]],
      ['head', [10]],
    ]);
    // The d2l shortcuts are 1x1 convs with bias and no BN: 1 + 8·2 BNs of 64..512 channels.
    const bnChannels = 64 + 2 * 2 * (64 + 128 + 256 + 512);
    expect(s.totals.nonTrainableParams).toBe(2 * bnChannels);
    model.dispose();
  });

  it.each([
    ['resnet18', 11_689_512, 1.814, 3],
    ['resnet34', 21_797_672, 3.664, 3],
    ['resnet50', 25_557_032, 4.089, 3],
    ['resnext50_32x4d', 25_028_904, 4.23, 2],
  ] as const)('%s matches torchvision: %i parameters, %f GFLOPS', (name, params, gf, digits) => {
    const model = createModel(name);
    const s = summarize(model);
    expect(s.totals.trainableParams).toBe(params);
    expect(gflops(s.totals.macs, digits)).toBe(gf);
    model.dispose();
  });

  it('derives torchvision ResNeXt-50 32x4d stages: 32 groups, widths 4, 8, 16, 32', () => {
    const stages = torchvisionStages('bottleneck', [3, 4, 6, 3], 32, 4);
    expect(stages.map((s) => s.channels)).toEqual([256, 512, 1024, 2048]);
    expect(stages.map((s) => s.groupWidth)).toEqual([4, 8, 16, 32]);
    expect(stages.map((s) => Math.round(s.channels * s.bottleneckRatio!) / s.groupWidth!)).toEqual([32, 32, 32, 32]);
    expect(torchvisionStages('bottleneck', [3, 4, 6, 3]).map((s) => s.channels * s.bottleneckRatio!)).toEqual([64, 128, 256, 512]);
  });

  it('drops every BN with norm "none"', () => {
    const model = createModel('resnet18-d2l', { options: { norm: 'none' } });
    const s = summarize(model);
    expect(s.rows.some((r) => r.type === 'BatchNormalization')).toBe(false);
    expect(s.totals.trainableParams).toBe(11_178_378 - 2 * (64 + 2 * 2 * (64 + 128 + 256 + 512)));
    model.dispose();
  });

  it('rejects an invalid configuration at build time, naming the stage', () => {
    // ResNet has no minimum input size: padding keeps every stage at least 1x1, so the build errors are configuration errors.
    expect(() => createModel('resnext-d2l', { options: { stages: [{ blocks: 1, channels: 40, groupWidth: 16, bottleneckRatio: 1 }] } }))
      .toThrow(/stage1: group width 16 does not divide the bottleneck width 40/);
    expect(() => createModel('resnet18-d2l', { input: [1, 0, 96] })).toThrow(/Invalid input shape/);
    const tiny = createModel('resnet18-d2l', { input: [1, 8, 8] });
    expect(summarize(tiny, { depth: 1 }).rows.find((r) => r.name === 'stage4')!.outputShape).toEqual([512, 1, 1]);
    tiny.dispose();
  });

  it('runs a forward pass of every registered model on wasm (one image)', async () => {
    await initEngine({ backend: 'wasm' });
    for (const spec of listArchitectures({ family: 'resnet' })) {
      const model = createModel(spec.name);
      expect(forwardOnce(model), spec.name).toEqual({ shape: [1, spec.defaults.classes], finite: true });
      model.dispose();
    }
  });

  // Narrow (base width 16) versions at 32x32 keep this fast; the blocks and stage layout are the registered ones.
  const narrow = (c: number) => [1, 2, 4, 8].map((m) => ({ blocks: 2, channels: m * c }));
  it.each([
    ['resnet18-d2l', { stemChannels: 16, stages: narrow(16) }],
    ['resnext-d2l', { stemChannels: 16, stages: narrow(16).map((s) => ({ ...s, groupWidth: 8, bottleneckRatio: 1 })) }],
  ] as const)('%s (base width 16) overfits a small batch of Fashion-MNIST on wasm', async (name, options) => {
    const { before, after } = await overfitSmallBatch(name, { input: [1, 32, 32], options, images: 20, steps: 20, lr: 3e-3 });
    expect(after).toBeLessThan(before * 0.5);
  });

  it('saves and loads a ResNeXt (grouped convs) with identical outputs', async () => {
    const { before, after } = await saveLoadOutputs('resnext-d2l', { input: [1, 32, 32] });
    expect(after).toEqual(before);
  });
});
