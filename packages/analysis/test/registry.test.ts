/**
 * Registry-wide checks on whatever architecture families exist: each family is
 * imported on its own and skipped if it is missing or does not load yet.
 */
import { describe, expect, it } from 'vitest';
import { createModel, listArchitectures, summarize, tf } from '@cnnlab/core';
import { analyzeModel, compareArchitectures, denseLayersOf, denseNetChannelGrowth, denseStackMemory, sortRows } from '../src/index.js';

const FAMILIES = ['lenet', 'alexnet', 'vgg', 'nin', 'googlenet', 'resnet', 'densenet', 'regnet'];
const loaded: string[] = [];
for (const family of FAMILIES) {
  const specifier = `@cnnlab/arch-${family}`;
  try {
    await import(/* @vite-ignore */ specifier);
    loaded.push(family);
  } catch {
    // Family not written yet (or broken mid-edit): its own package tests will say so.
  }
}
const names = listArchitectures().map((s) => s.name);

describe('registered architectures', () => {
  it('loads at least the LeNet family', () => {
    expect(loaded).toContain('lenet');
    expect(names).toContain('lenet');
  });

  it.each(names)('%s: analyzeModel agrees with summarize and its own parts', (name) => {
    const model = createModel(name);
    try {
      const summary = summarize(model);
      const report = analyzeModel(model, { batchSize: 2 });
      const { totals } = report;
      expect(totals).toMatchObject(summary.totals);
      expect(report.rows.reduce((n, r) => n + r.params, 0)).toBe(totals.params);
      expect(report.rows.reduce((n, r) => n + r.macs, 0)).toBe(totals.macs);
      expect(totals.paramMemory).toEqual({ fp32: 4 * totals.params, fp16: 2 * totals.params });
      expect(totals.activationMemory.fp32).toBe(totals.activationElements * 2 * 4);
      expect(report.dense.reduce((n, l) => n + l.params, 0)).toBe(totals.denseParams);
      expect(totals.denseShare).toBeGreaterThanOrEqual(0);
      expect(totals.denseShare).toBeLessThanOrEqual(1);
      const blocks = analyzeModel(model, { batchSize: 2, depth: 1 });
      expect(blocks.totals).toEqual(totals);
      expect(blocks.rows.reduce((n, r) => n + r.activationElements, 0)).toBe(totals.activationElements);
    } finally {
      model.dispose();
    }
  });

  // Keep the comparison quick: the models with a published count under 30 M parameters.
  const small = listArchitectures().filter((s) => s.reference?.params !== undefined && s.reference.params < 30e6).map((s) => s.name);

  it('compareArchitectures rows match analyzeModel and sort by any column', () => {
    const before = tf.memory().numTensors;
    const rows = compareArchitectures(small, { batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.name)).toEqual(small);
    for (const row of rows) {
      const spec = listArchitectures().find((s) => s.name === row.name)!;
      expect(row.input).toEqual([...spec.defaults.input]);
      expect(row.classes).toBe(spec.defaults.classes);
      expect(row.paramBytes).toBe(row.params * 4);
    }
    const byParams = sortRows(rows, 'params').map((r) => r.params);
    expect(byParams).toEqual([...byParams].sort((a, b) => b - a));
    const byShare = sortRows(rows, 'denseShare', 'asc').map((r) => r.denseShare);
    expect(byShare).toEqual([...byShare].sort((a, b) => a - b));
  });
});

describe("worked examples on the families' own models (skipped where not registered)", () => {
  const alexnet = listArchitectures({ family: 'alexnet', source: 'd2l' });
  it.skipIf(alexnet.length === 0)("d2l AlexNet's last dense layers are 6400→4096→4096→10, the first two 164 MiB in FP32", () => {
    const model = createModel(alexnet[0]!.name);
    try {
      const dense = denseLayersOf(model).slice(-3);
      expect(dense.map((l) => [l.inFeatures, l.outFeatures])).toEqual([[6400, 4096], [4096, 4096], [4096, 10]]);
      const wide = dense[0]!.params + dense[1]!.params;
      expect(wide).toBe(42_999_808);
      expect(wide).toBe(denseStackMemory([6400, 4096, 4096]).params);
      expect(Math.round((wide * 4) / 2 ** 20)).toBe(164);
    } finally {
      model.dispose();
    }
  });

  const densenet = listArchitectures({ family: 'densenet', source: 'd2l' });
  it.skipIf(densenet.length === 0)("d2l DenseNet's head sees the 248 channels denseNetChannelGrowth predicts", () => {
    const model = createModel(densenet[0]!.name);
    try {
      const head = denseLayersOf(model).at(-1)!;
      expect(head.inFeatures).toBe(denseNetChannelGrowth({ initial: 64, growth: 32, blocks: [4, 4, 4, 4], compression: 0.5 }).final);
    } finally {
      model.dispose();
    }
  });
});
