import { describe, expect, it } from 'vitest';
import { avgPool, batchNorm, concat, conv, dense, flatten, maxPool, relu, scope, type Node } from '@cnnlab/core';
import {
  analyzeModel, bottleneckSavings, convCost, denseLayerMemory, denseLayersOf, denseNetChannelGrowth, denseStackMemory,
  formatBytes, groupedConvCost,
} from '../src/index.js';
import { build, convNumbers } from './helpers.js';

const MiB = 2 ** 20;

describe('convCost', () => {
  it('counts h·w·k²·cin·cout/groups multiply-adds and k²·cin·cout/groups (+bias) parameters', () => {
    expect(convCost({ h: 28, w: 28, k: 5, cin: 192, cout: 32 })).toEqual({ macs: 120_422_400, weights: 153_600, params: 153_632 });
    expect(convCost({ h: 28, w: 28, k: 5, cin: 192, cout: 32, bias: false }).params).toBe(153_600);
    expect(convCost({ h: 14, w: 14, k: 3, cin: 64, cout: 128, groups: 4 })).toEqual({ macs: 14 * 14 * 9 * 64 * 128 / 4, weights: 9 * 64 * 128 / 4, params: 9 * 64 * 128 / 4 + 128 });
  });

  it('rejects channels that do not split into the groups', () => {
    expect(() => convCost({ h: 8, w: 8, k: 3, cin: 6, cout: 8, groups: 4 })).toThrow(/cannot both be split into 4 groups/);
    expect(() => convCost({ h: 0, w: 8, k: 3, cin: 6, cout: 8 })).toThrow(/h must be a positive integer/);
  });

  it('equals the multiply-adds and parameters core reports for conv layers of a model', () => {
    const model = build([3, 32, 32], (x) => {
      x = conv(x, { filters: 16, kernel: 3, padding: 1 });
      x = conv(x, { filters: 32, kernel: 5, stride: 2, padding: 2 });
      x = conv(x, { filters: 64, kernel: 3, padding: 1, groups: 4 });
      return conv(x, { filters: 64, kernel: 1, bias: false });
    });
    const report = analyzeModel(model);
    const convRows = report.rows.filter((r) => r.type === 'Conv2D' || r.type === 'CnnlabGroupedConv2D');
    expect(convRows).toHaveLength(4);
    for (const row of convRows) {
      const n = convNumbers(model, row.name);
      const bias = model.getLayer(row.name).weights.length > 1;
      const cost = convCost({ ...n, bias });
      expect(row.macs, row.name).toBe(cost.macs);
      expect(row.params, row.name).toBe(cost.params);
    }
    model.dispose();
  });
});

describe('bottleneckSavings (Inception 1x1 reduction)', () => {
  const example = { h: 28, w: 28, cin: 192, cout: 32, k: 5, reduce: 16 };

  it('reproduces 120,422,400 vs 12,443,648 multiplications', () => {
    const s = bottleneckSavings(example);
    expect(s.direct.macs).toBe(5 * 5 * 192 * 28 * 28 * 32);
    expect(s.direct.macs).toBe(120_422_400);
    expect(s.reduction.macs).toBe(2_408_448);
    expect(s.conv.macs).toBe(10_035_200);
    expect(s.bottleneck.macs).toBe(12_443_648);
    expect(s.ratio).toBeCloseTo(9.677, 3);
    expect(s.direct.params).toBe(153_632);
    expect(s.bottleneck.params).toBe(192 * 16 + 16 + 25 * 16 * 32 + 32);
    expect(s.paramRatio).toBeCloseTo(153_632 / 15_920, 6);
  });

  it('matches the multiply-adds of the two paths built as a model', () => {
    const model = build([192, 28, 28], (x) => [
      scope('direct', () => conv(x, { filters: 32, kernel: 5, padding: 2 })),
      scope('bottleneck', () => conv(conv(x, { filters: 16, kernel: 1 }), { filters: 32, kernel: 5, padding: 2 })),
    ]);
    // Parallel branches interleave in layer order, so a block can span several rows: sum them.
    const rows = analyzeModel(model, { depth: 1 }).rows;
    const sum = (name: string, key: 'macs' | 'params') => rows.filter((r) => r.name === name).reduce((n, r) => n + r[key], 0);
    const s = bottleneckSavings(example);
    expect(sum('direct', 'macs')).toBe(s.direct.macs);
    expect(sum('bottleneck', 'macs')).toBe(s.bottleneck.macs);
    expect(sum('bottleneck', 'params')).toBe(s.bottleneck.params);
    model.dispose();
  });
});

describe('groupedConvCost', () => {
  it.each([2, 4, 8, 16])('grouping into %i saves that many times the multiply-adds and weights', (g) => {
    const c = groupedConvCost({ h: 14, w: 14, k: 3, cin: 128, cout: 128, groups: g });
    expect(c.saving).toBe(g);
    expect(c.weightSaving).toBe(g);
    expect(c.dense.macs).toBe(14 * 14 * 9 * 128 * 128);
    expect(c.grouped.macs * g).toBe(c.dense.macs);
  });

  it('matches a grouped conv layer against its ungrouped twin in a model', () => {
    const model = build([64, 14, 14], (x) => [
      scope('plain', () => conv(x, { filters: 128, kernel: 3, padding: 1 })),
      scope('grouped', () => conv(x, { filters: 128, kernel: 3, padding: 1, groups: 4 })),
    ]);
    const rows = analyzeModel(model).rows;
    const c = groupedConvCost({ h: 14, w: 14, k: 3, cin: 64, cout: 128, groups: 4 });
    expect(rows.find((r) => r.name === 'plain.conv1')!.macs).toBe(c.dense.macs);
    expect(rows.find((r) => r.name === 'grouped.conv1')).toMatchObject({ type: 'CnnlabGroupedConv2D', macs: c.grouped.macs, params: c.grouped.params });
    model.dispose();
  });
});

describe('dense layer memory', () => {
  it("AlexNet's two 4096-wide layers after the 6400-wide flatten hold 42,999,808 parameters = 164 MiB in FP32", () => {
    const stack = denseStackMemory([6400, 4096, 4096]);
    expect(stack.params).toBe(6400 * 4096 + 4096 + 4096 * 4096 + 4096);
    expect(stack.params).toBe(42_999_808);
    expect(stack.memory.fp32).toBe(171_999_232);
    expect(Math.round(stack.memory.fp32 / MiB)).toBe(164);
    expect(stack.memory.fp16).toBe(85_999_616);
    expect(formatBytes(stack.memory.fp32)).toBe('164.03 MiB');
  });

  it('finds the same layers in a model built with core blocks (flatten 6400 → 4096 → 4096 → 10)', () => {
    const model = build([256, 5, 5], (x) => dense(dense(dense(flatten(x), 4096), 4096), 10), 'alexnet-head');
    const layers = denseLayersOf(model);
    expect(layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([[6400, 4096], [4096, 4096], [4096, 10]]);
    const wide = layers.slice(0, 2);
    expect(wide.reduce((n, l) => n + l.params, 0)).toBe(42_999_808);
    expect(wide.reduce((n, l) => n + l.memory.fp32, 0)).toBe(171_999_232);
    expect(layers[2]!.params).toBe(40_970);
    expect(layers.reduce((n, l) => n + l.share, 0)).toBeCloseTo(1, 12);
    const report = analyzeModel(model);
    expect(report.totals.denseShare).toBe(1);
    expect(report.dense).toEqual(layers);
    model.dispose();
  });

  it("VGG-11's first dense layer 25088×4096 holds about 400 MB in FP32", () => {
    const fc = denseLayerMemory({ inFeatures: 25_088, outFeatures: 4096 });
    expect(25_088 * 4096 * 4).toBe(411_041_792);
    expect(fc.memory.fp32).toBe(411_041_792 + 4096 * 4);
    expect(fc.memory.fp32 / 1e6).toBeCloseTo(411, 0);
    expect(fc.macs).toBe(102_760_448);
    expect(formatBytes(fc.memory.fp32, { si: true })).toBe('411.06 MB');
  });

  it("finds VGG-11's first dense layer in a model built with core blocks (512×7×7 → 4096)", () => {
    const model = build([512, 7, 7], (x) => dense(flatten(x), 4096), 'vgg11-fc1');
    const [fc] = denseLayersOf(model);
    expect(fc).toMatchObject({ inFeatures: 25_088, outFeatures: 4096, params: 102_764_544, bias: true });
    expect(fc!.memory).toEqual(denseLayerMemory({ inFeatures: 25_088, outFeatures: 4096 }).memory);
    model.dispose();
  });

  it('rejects a stack without an output width', () => {
    expect(() => denseStackMemory([6400])).toThrow(/at least two widths/);
  });
});

describe('denseNetChannelGrowth', () => {
  const d2l = { initial: 64, growth: 32, blocks: [4, 4, 4, 4], compression: 0.5 };

  it("reproduces d2l's 64 → 192 → 96 → 224 → 112 → 240 → 120 → 248", () => {
    const g = denseNetChannelGrowth(d2l);
    expect(g.channels).toEqual([64, 192, 96, 224, 112, 240, 120, 248]);
    expect(g.final).toBe(248);
    expect(g.stages.map((s) => s.kind)).toEqual(['input', 'block', 'transition', 'block', 'transition', 'block', 'transition', 'block']);
  });

  it('follows other growth rates and compressions', () => {
    expect(denseNetChannelGrowth({ initial: 64, growth: 32, blocks: [6, 12, 24, 16] }).final).toBe(1024); // DenseNet-121
    expect(denseNetChannelGrowth({ initial: 16, growth: 12, blocks: [2, 2], compression: 1 }).channels).toEqual([16, 40, 40, 64]);
    expect(() => denseNetChannelGrowth({ ...d2l, compression: 0 })).toThrow(/compression/);
  });

  it('matches the channels of a DenseNet built with core blocks', () => {
    const convBlock = (x: Node, filters: number) => conv(relu(batchNorm(x)), { filters, kernel: 3, padding: 1 });
    const model = build([1, 32, 32], (x) => {
      x = scope('stem', () => maxPool(relu(batchNorm(conv(x, { filters: 64, kernel: 7, stride: 2, padding: 3 }))), { size: 3, stride: 2, padding: 1 }));
      d2l.blocks.forEach((convs, i) => {
        x = scope(`dense${i + 1}`, () => {
          let y = x;
          for (let j = 0; j < convs; j++) y = concat([y, convBlock(y, d2l.growth)]);
          return y;
        });
        if (i < d2l.blocks.length - 1) {
          x = scope(`trans${i + 1}`, () => avgPool(conv(relu(batchNorm(x)), { filters: Math.floor(x.shape[3]! / 2), kernel: 1 }), { size: 2, stride: 2 }));
        }
      });
      return x;
    });
    const rows = analyzeModel(model, { depth: 1 }).rows;
    expect(rows.map((r) => r.outputShape[0])).toEqual(denseNetChannelGrowth(d2l).channels);
    model.dispose();
  });
});
