import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, listArchitectures, summarize, tf } from '@cnnlab/core';
import { ACTIVATION_MEMORY_NOTE, analyzeModel, compareArchitectures, sortRows, type ComparisonRow } from '../src/index.js';

beforeAll(async () => {
  await import('@cnnlab/arch-lenet');
});

// LeNet (d2l 7.6) layer outputs for one 1x28x28 image: conv 6x28x28, sigmoid, pool 6x14x14,
// conv 16x10x10, sigmoid, pool 16x5x5, flatten 400, dense 120, sigmoid, dense 84, sigmoid, dense 10.
const LENET_OUTPUTS = 2 * 4704 + 1176 + 2 * 1600 + 400 + 400 + 2 * 120 + 2 * 84 + 10;
const LENET_MACS = 28 * 28 * 6 * 25 + 10 * 10 * 16 * 25 * 6 + 400 * 120 + 120 * 84 + 84 * 10;

describe('analyzeModel', () => {
  it("agrees with core's summarize, per layer and in total", () => {
    const model = createModel('bn-lenet');
    const summary = summarize(model);
    const report = analyzeModel(model);
    expect(report.totals).toMatchObject(summary.totals);
    expect(report.rows.map(({ name, type, outputShape, params, trainableParams, macs, dense, layers }) => ({ name, type, outputShape, params, trainableParams, macs, dense, layers })))
      .toEqual(summary.rows);
    expect(report.name).toBe('bn-lenet');
    expect(report.input).toEqual([1, 28, 28]);
    model.dispose();
  });

  it('counts LeNet: parameters, FP32/FP16 memory, multiply-adds and the dense share', () => {
    const model = createModel('lenet');
    const { totals } = analyzeModel(model);
    expect(totals.params).toBe(61_706);
    expect(totals.trainableParams).toBe(61_706);
    expect(totals.nonTrainableParams).toBe(0);
    expect(totals.paramMemory).toEqual({ fp32: 61_706 * 4, fp16: 61_706 * 2 });
    expect(totals.paramBytes).toBe(61_706 * 4);
    expect(totals.macs).toBe(LENET_MACS);
    expect(totals.denseParams).toBe(400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10);
    expect(totals.denseShare).toBeCloseTo(59_134 / 61_706, 12);
    model.dispose();
  });

  it('counts forward activations kept for backprop: layer outputs × batch × bytes', () => {
    const model = createModel('lenet');
    const one = analyzeModel(model);
    const batch = analyzeModel(model, { batchSize: 256 });
    expect(one.totals.activationElements).toBe(LENET_OUTPUTS);
    expect(batch.totals.activationMemory).toEqual({ fp32: LENET_OUTPUTS * 256 * 4, fp16: LENET_OUTPUTS * 256 * 2 });
    expect(batch.totals.activationMemory.fp32).toBe(15_362_048);
    expect(batch.totals.inputMemory.fp32).toBe(784 * 256 * 4);
    expect(batch.rows[0]).toMatchObject({ name: 'block1.conv1', activationElements: 4704, activationMemory: { fp32: 4704 * 256 * 4, fp16: 4704 * 256 * 2 } });
    expect(batch.activationNote).toBe(ACTIVATION_MEMORY_NOTE);
    expect(ACTIVATION_MEMORY_NOTE).toMatch(/kept for backprop/);
    model.dispose();
  });

  it('groups rows by block with depth, keeping per-block sums of every column', () => {
    const model = createModel('bn-lenet');
    const flat = analyzeModel(model, { batchSize: 8 });
    const blocks = analyzeModel(model, { batchSize: 8, depth: 1 });
    expect(blocks.rows.map((r) => r.name)).toEqual(['block1', 'block2', 'flatten1', 'fc1', 'fc2', 'head']);
    const block1 = flat.rows.filter((r) => r.name.startsWith('block1.'));
    const sum = (rows: typeof flat.rows, f: (r: (typeof flat.rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    expect(blocks.rows[0]).toMatchObject({
      params: sum(block1, (r) => r.params),
      activationElements: sum(block1, (r) => r.activationElements),
      activationMemory: { fp32: sum(block1, (r) => r.activationMemory.fp32), fp16: sum(block1, (r) => r.activationMemory.fp16) },
      paramMemory: { fp32: sum(block1, (r) => r.paramMemory.fp32), fp16: sum(block1, (r) => r.paramMemory.fp16) },
      outputShape: [6, 12, 12],
    });
    expect(blocks.totals).toEqual(flat.totals);
    model.dispose();
  });

  it('rejects a batch size that is not a positive integer', () => {
    const model = createModel('lenet');
    expect(() => analyzeModel(model, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    model.dispose();
  });
});

describe('compareArchitectures', () => {
  it('builds each model at its default input, measures it and disposes it', () => {
    const before = tf.memory().numTensors;
    const rows = compareArchitectures(['lenet', 'bn-lenet'], { batchSize: 128 });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.name)).toEqual(['lenet', 'bn-lenet']);
    expect(rows[0]).toEqual({
      name: 'lenet', family: 'lenet', source: 'd2l', input: [1, 28, 28], classes: 10,
      params: 61_706, trainableParams: 61_706, denseParams: 59_134, denseShare: 59_134 / 61_706,
      macs: LENET_MACS, paramBytes: 61_706 * 4, activationBytes: LENET_OUTPUTS * 128 * 4, batchSize: 128,
    } satisfies ComparisonRow);
    expect(rows[1]!.params).toBe(44_878 + 2 * (6 + 16 + 120 + 84));
  });

  it('compares every registered model (or a filtered set) when no names are given', () => {
    const all = compareArchitectures(undefined, { filter: { family: 'lenet' } });
    expect(all.map((r) => r.name)).toEqual(listArchitectures({ family: 'lenet' }).map((s) => s.name));
  });

  it('measures every model at one common input size when asked (each keeps its channels)', () => {
    const [atDefault] = compareArchitectures(['lenet']);
    const [at32] = compareArchitectures(['lenet'], { inputSize: 32 });
    expect(at32!.input).toEqual([1, 32, 32]);
    const model = createModel('lenet', { input: [1, 32, 32] });
    expect(at32!.macs).toBe(analyzeModel(model).totals.macs);
    model.dispose();
    expect(at32!.macs).toBeGreaterThan(atDefault!.macs);
    expect(() => compareArchitectures(['lenet'], { inputSize: 0 })).toThrow(/inputSize must be a positive integer, got 0/);
  });

  it('fails with the registry message for an unknown name', () => {
    expect(() => compareArchitectures(['lenett'])).toThrow(/Unknown architecture "lenett"\. Did you mean: lenet/);
  });
});

describe('sortRows', () => {
  const rows = [
    { name: 'vgg11', params: 128_806_154, input: [1, 224, 224] },
    { name: 'lenet', params: 61_706, input: [1, 28, 28] },
    { name: 'resnet18', params: 11_178_378, input: [1, 96, 96] },
    { name: 'vgg2', params: 61_706, input: [1, 224, 224] },
  ];

  it('sorts numbers numerically, descending by default, and keeps ties in order', () => {
    expect(sortRows(rows, 'params').map((r) => r.name)).toEqual(['vgg11', 'resnet18', 'lenet', 'vgg2']);
    expect(sortRows(rows, 'params', 'asc').map((r) => r.name)).toEqual(['lenet', 'vgg2', 'resnet18', 'vgg11']);
  });

  it('sorts names naturally and shapes element-wise, without touching the input', () => {
    expect(sortRows(rows, 'name', 'asc').map((r) => r.name)).toEqual(['lenet', 'resnet18', 'vgg2', 'vgg11']);
    expect(sortRows(rows, 'input', 'asc').map((r) => r.name)).toEqual(['lenet', 'resnet18', 'vgg11', 'vgg2']);
    expect(rows[0]!.name).toBe('vgg11');
  });
});
