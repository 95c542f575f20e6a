import { describe, expect, it } from 'vitest';
import { createModel, initEngine, listArchitectures, summarize } from '@cnnlab/core';
import {
  ANYNET_RANGES, ANYNET_SPACES, isValidAnyNet, mulberry32, regnetBlockWidths, regnetStages, sampleAnyNet, validateAnyNet,
  type AnyNetConfig, type AnyNetSpaceName,
} from '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';
import { forwardOnce } from '../../../../test-support/forward.js';

const x400mf = { depth: 22, w0: 24, wa: 24.48, wm: 2.54, groupWidth: 16 };

describe('regnet family', () => {
  it('registers d2l RegNetX32 and torchvision RegNetX models', () => {
    expect(listArchitectures({ family: 'regnet' }).map((s) => s.name)).toEqual(
      ['regnet_x_1_6gf', 'regnet_x_400mf', 'regnet_x_800mf', 'regnetx32-d2l'],
    );
  });

  it('matches d2l RegNetX32: 179,290 parameters, stages 32x24x24 and 80x12x12', () => {
    const model = createModel('regnetx32-d2l');
    const s = summarize(model, { depth: 1 });
    expect(s.totals.trainableParams).toBe(179_290);
    expect(s.rows.map((r) => [r.name, r.outputShape])).toEqual([
      ['stem', [32, 48, 48]], ['stage1', [32, 24, 24]], ['stage2', [80, 12, 12]], ['head', [10]],
    ]);
    // Group width 16: 32/16 = 2 groups in stage 1, 80/16 = 5 in stage 2.
    const groups = model.layers.filter((l) => l.getClassName() === 'CnnlabGroupedConv2D').map((l) => l.getConfig().groups);
    expect(groups).toEqual([2, 2, 2, 2, 5, 5, 5, 5, 5, 5]);
    model.dispose();
  });

  it('reproduces regnet_x_400mf from the quantized linear parameters (depth 22, w_0 24, w_a 24.48, w_m 2.54)', () => {
    expect(regnetBlockWidths(x400mf)).toEqual([24, 64, 64, ...Array(7).fill(152), ...Array(12).fill(392)]);
    const stages = regnetStages(x400mf);
    expect(stages.map((s) => s.depth)).toEqual([1, 2, 7, 12]);
    expect(stages.map((s) => s.width)).toEqual([32, 64, 160, 400]);
    expect(stages.every((s) => s.groupWidth === 16 && s.bottleneckRatio === 1)).toBe(true);
    expect(regnetStages({ depth: 16, w0: 56, wa: 35.73, wm: 2.28, groupWidth: 16 }).map((s) => [s.depth, s.width])).toEqual(
      [[1, 64], [3, 128], [7, 288], [5, 672]],
    );
    expect(() => regnetStages({ ...x400mf, w0: 20 })).toThrow(/Invalid RegNet parameters/);
  });

  it.each([
    ['regnet_x_400mf', 5_495_976, 0.414, 3],
    ['regnet_x_800mf', 7_259_656, 0.8, 2],
    ['regnet_x_1_6gf', 9_190_136, 1.6, 2],
  ] as const)('%s matches torchvision: %i parameters, %f GFLOPS', (name, params, gf, digits) => {
    const model = createModel(name);
    const s = summarize(model);
    expect(s.totals.trainableParams).toBe(params);
    expect(Number((s.totals.macs / 1e9).toFixed(digits))).toBe(gf);
    model.dispose();
  });

  it('explains every violation of a configuration', () => {
    const config: AnyNetConfig = {
      stemChannels: 32,
      stages: [
        { depth: 2, width: 64, groupWidth: 16, bottleneckRatio: 1 },
        { depth: 1, width: 40, groupWidth: 16, bottleneckRatio: 0.5 },
      ],
    };
    expect(validateAnyNet(config)).toEqual(['stage 2: group width 16 does not divide the bottleneck width 20 (= round(40 x 0.5))']);
    expect(validateAnyNet(config, { constraints: ANYNET_SPACES.AnyNetX_E.constraints, ranges: ANYNET_RANGES })).toEqual([
      'stage 2: group width 16 does not divide the bottleneck width 20 (= round(40 x 0.5))',
      'bottleneck ratios differ (1, 0.5) but must be shared',
      "stage 2: width 40 is less than stage 1's 64",
      "stage 2: depth 1 is less than stage 1's 2",
    ]);
    expect(validateAnyNet({ stemChannels: 32, stages: [{ depth: 1, width: 100, groupWidth: 3, bottleneckRatio: 0.3 }] }, { ranges: ANYNET_RANGES }))
      .toEqual([
        'stage 1: width 100 is not a multiple of 8',
        'stage 1: group width 3 is not one of 1, 2, 4, 8, 16, 32',
        'stage 1: bottleneck ratio 0.3 is not one of 1, 0.5, 0.25',
      ]);
    expect(isValidAnyNet(ANYNET_EXAMPLE)).toBe(true);
  });

  it('fails to build an invalid AnyNet with the reasons', () => {
    expect(() => createModel('regnetx32-d2l', { options: { stages: [{ depth: 1, width: 40, groupWidth: 16, bottleneckRatio: 1 }] } }))
      .toThrow(/Invalid AnyNet configuration: stage 1: group width 16 does not divide the bottleneck width 40/);
  });

  it('rejects an empty body and an empty input at build time', () => {
    // Padded stride-2 convs never shrink a map below 1x1, so no positive input size is too small for an AnyNet.
    expect(() => createModel('regnetx32-d2l', { options: { stages: [] } })).toThrow(/an AnyNet needs at least one stage/);
    expect(() => createModel('regnetx32-d2l', { input: [1, 96, 0] })).toThrow(/Invalid input shape/);
  });

  it('seeds mulberry32 deterministically', () => {
    const a = mulberry32(42);
    expect(a()).toBe(0.6011037519201636);
    const [b, c] = [mulberry32(7), mulberry32(7)];
    const draws = Array.from({ length: 5 }, () => b());
    expect(Array.from({ length: 5 }, () => c())).toEqual(draws);
    expect(draws.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it.each(Object.keys(ANYNET_SPACES) as AnyNetSpaceName[])('samples only valid members of %s, reproducibly', (name) => {
    const space = ANYNET_SPACES[name];
    const rng = mulberry32(2024);
    const samples = Array.from({ length: 300 }, () => sampleAnyNet(rng, { space: name }));
    for (const config of samples) {
      expect(validateAnyNet(config, { constraints: space.constraints, ranges: space.ranges })).toEqual([]);
      expect(config.stages).toHaveLength(4);
    }
    expect(sampleAnyNet(mulberry32(5), { space: name })).toEqual(sampleAnyNet(mulberry32(5), { space: name }));
    const distinct = (f: (c: AnyNetConfig) => string) => new Set(samples.map(f)).size;
    // Unconstrained spaces really vary per stage; constrained ones never do.
    const perStage = (c: AnyNetConfig) => String(new Set(c.stages.map((s) => s.bottleneckRatio)).size > 1);
    expect(distinct(perStage)).toBe(space.constraints.sharedBottleneck ? 1 : 2);
    expect(distinct((c) => c.stages.map((s) => s.width).join())).toBeGreaterThan(250);
  });

  it('samples valid members under custom ranges and constraints, and says when none exist', () => {
    const rng = mulberry32(1);
    for (let i = 0; i < 100; i++) {
      const config = sampleAnyNet(rng, {
        stages: 3,
        constraints: { increasingWidths: true },
        ranges: { width: [8, 96], groupWidth: [8, 16, 32], bottleneckRatio: [1, 0.5, 0.25] },
      });
      expect(validateAnyNet(config, { constraints: { increasingWidths: true }, ranges: { ...ANYNET_RANGES, width: [8, 96], groupWidth: [8, 16, 32] } }))
        .toEqual([]);
    }
    expect(() => sampleAnyNet(rng, { ranges: { width: [8, 24], groupWidth: [32] } })).toThrow(/has no valid member/);
  });

  it('builds a sampled AnyNet', () => {
    const config = sampleAnyNet(mulberry32(3), { space: 'AnyNetX_E', stages: 3, ranges: { width: [8, 64], depth: [1, 2] } });
    const model = createModel('regnetx32-d2l', { options: config, input: [1, 32, 32] });
    const s = summarize(model, { depth: 1 });
    expect(s.rows.map((r) => r.name)).toEqual(['stem', 'stage1', 'stage2', 'stage3', 'head']);
    expect(s.rows.slice(1, 4).map((r) => r.outputShape[0])).toEqual(config.stages.map((st) => st.width));
    model.dispose();
  });

  it('runs a forward pass of every registered model on wasm (one image)', async () => {
    await initEngine({ backend: 'wasm' });
    for (const spec of listArchitectures({ family: 'regnet' })) {
      const model = createModel(spec.name);
      expect(forwardOnce(model), spec.name).toEqual({ shape: [1, spec.defaults.classes], finite: true });
      model.dispose();
    }
  });

  it('regnetx32-d2l overfits a small batch of Fashion-MNIST on wasm (32x32 input)', async () => {
    const { before, losses } = await overfitSmallBatch('regnetx32-d2l', { input: [1, 32, 32], images: 20, steps: 15, lr: 3e-3 });
    // The training-mode loss: after 15 steps BN's running statistics still lag the
    // fast-moving weights, so the inference-mode loss is no fair measure yet.
    expect(losses.at(-1)!).toBeLessThan(before * 0.5);
  });

  it('saves and loads a RegNet (grouped convs) with identical outputs', async () => {
    const { before, after } = await saveLoadOutputs('regnetx32-d2l', { input: [1, 32, 32] });
    expect(after).toEqual(before);
  });
});

const ANYNET_EXAMPLE: AnyNetConfig = {
  stemChannels: 32,
  stages: [{ depth: 4, width: 32, groupWidth: 16, bottleneckRatio: 1 }, { depth: 6, width: 80, groupWidth: 16, bottleneckRatio: 1 }],
};
