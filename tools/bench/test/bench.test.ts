import { describe, expect, it } from 'vitest';
import { QUICK_CASES } from '../src/cases.js';
import { formatRow, HEADER, runBench } from '../src/bench.js';
import { profileStep } from '../src/measure.js';
import { probeTorchEngine } from '@cnnlab/core';
import { kernelFlops, measureCeiling } from '../src/ceiling.js';
import { findTorch, measureTorch, trainGflops } from '../src/torch.js';
import { clockSeconds, resolveClock } from '../src/clock.js';

describe('benchmark quick mode', () => {
  it('measures training and inference throughput of the quick cases on wasm', async () => {
    const { rows } = await runBench(QUICK_CASES.slice(0, 1), { steps: 1, warmup: 1, pytorch: false, cpu: false });
    expect(rows).toHaveLength(1);
    const wasm = rows[0]!.engines.wasm!;
    expect(wasm.backend).toBe('wasm');
    expect(wasm.trainImagesPerSecond).toBeGreaterThan(0);
    expect(wasm.inferImagesPerSecond).toBeGreaterThan(wasm.trainImagesPerSecond);
    expect(rows[0]!.engines.torch).toBeUndefined();
    // No torch column measured: its cells are dashes, the wasm one a number.
    expect(formatRow(rows[0]!)).toMatch(/^lenet\s+1x28x28\s+32\s+-\s+\d+/);
    expect(HEADER).toMatch(/torch\/s\s+wasm\/s\s+pytorch\/s/);
  });
});

const torch = await probeTorchEngine();
if (!torch.available && !process.env.CI) console.warn(`Skipping the bench's torch column test: ${torch.reason}`);

describe.runIf(torch.available || Boolean(process.env.CI))('benchmark torch column', () => {
  it('times the torch engine and profiles a step with its fallbacks counted', async () => {
    if (!torch.available) throw new Error(`The torch engine cannot load: ${torch.reason}`);
    const { rows } = await runBench(QUICK_CASES.slice(0, 1), { steps: 1, warmup: 1, pytorch: false, cpu: false, engines: ['torch'] });
    const m = rows[0]!.engines.torch!;
    expect(m.backend).toBe('torch');
    expect(m.trainImagesPerSecond).toBeGreaterThan(0);
    expect(m.fallbacks).toBeDefined();
    const profile = await profileStep(QUICK_CASES[0]!, { backend: 'torch' });
    expect(profile.kernels.map((k) => k.kernel)).toContain('Conv2DBackpropFilter');
    expect(profile.fallbacks).toEqual({});
  });
});

describe('the bench clock', () => {
  it('is wall by default, cpu by flag or CNNLAB_BENCH_CLOCK, and rejects anything else naming its source', () => {
    expect(resolveClock(undefined, undefined)).toBe('wall');
    expect(resolveClock(undefined, 'cpu')).toBe('cpu');
    expect(resolveClock('wall', 'cpu')).toBe('wall');
    expect(() => resolveClock('gpu', undefined)).toThrow(/--clock takes wall or cpu, got "gpu"/);
    expect(() => resolveClock(undefined, 'Wall')).toThrow(/CNNLAB_BENCH_CLOCK takes wall or cpu, got "Wall"/);
  });

  it('counts CPU time spent computing but not time spent asleep', async () => {
    const [wall0, cpu0] = [clockSeconds('wall'), clockSeconds('cpu')];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [wall1, cpu1] = [clockSeconds('wall'), clockSeconds('cpu')];
    expect(wall1 - wall0).toBeGreaterThan(0.15);
    expect(cpu1 - cpu0).toBeLessThan((wall1 - wall0) / 2);
    let x = 0;
    const cpuStart = clockSeconds('cpu');
    while (clockSeconds('cpu') - cpuStart < 0.05) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
  });

  it('times both sides by it and says which', async () => {
    const { rows, clock } = await runBench(QUICK_CASES.slice(0, 1), { steps: 1, warmup: 1, pytorch: false, cpu: false, clock: 'cpu' });
    expect(clock).toBe('cpu');
    expect(rows[0]!.engines.wasm!.clock).toBe('cpu');
    expect(rows[0]!.engines.wasm!.trainImagesPerSecond).toBeGreaterThan(0);
  });
});

describe('kernel ceiling', () => {
  it('counts 2 FLOPs per multiply-add and times the kernels on wasm', async () => {
    const conv = { name: 'conv', kind: 'conv', batch: 2, size: 9, cin: 3, cout: 4, k: 3, stride: 2 } as const;
    const matmul = { name: 'matmul', kind: 'matmul', m: 8, k: 16, n: 4 } as const;
    expect(kernelFlops(conv)).toBe(2 * 2 * 5 * 5 * 4 * 3 * 3 * 3);
    expect(kernelFlops(matmul)).toBe(2 * 8 * 16 * 4);
    const { rows } = await measureCeiling({ torch: null, reps: 1, cases: [conv, matmul] });
    expect(rows.map((r) => r.name)).toEqual(['conv', 'matmul']);
    for (const r of rows) {
      expect(r.wasmGflops).toBeGreaterThan(0);
      expect(r.ratio).toBeUndefined();
    }
  });
});

describe('PyTorch baseline at its best', () => {
  it('prints the winning memory format, GFLOP/s and the fraction of the conv peak', () => {
    expect(trainGflops(1000, 1e6)).toBeCloseTo(3, 10);
    const row = {
      arch: 'lenet', input: '1x28x28', batch: 32, ratios: {},
      engines: { wasm: { backend: 'wasm', threads: 2, trainImagesPerSecond: 2000, inferImagesPerSecond: 5000, peakTensorBytes: 0, heapBytes: null, steps: 1, clock: 'wall' as const } },
      pytorch: { train: 4000, infer: 9000, params: 1, threads: 2, trainFormat: 'channels_last', flops: 1e6 },
    };
    // wasm: 3·1e6·2000 = 6 GFLOP/s = 20% of a 30 GFLOP/s peak; PyTorch 12 GFLOP/s.
    expect(formatRow(row, { conv: 30, sgemm: 10 })).toMatch(/\s+cl\s+6\.0\s+12\.0\s+20%$/);
    expect(HEADER).toMatch(/ptfm\s+GF\/s\s+ptGF\/s\s+%peak$/);
  });

  const pytorch = findTorch();
  it.runIf(pytorch)('bench.py times both memory formats and keeps the faster one per metric', () => {
    const m = measureTorch(pytorch!, QUICK_CASES[0]!, { threads: 1, steps: 1, warmup: 0 });
    expect(Object.keys(m.formats!).sort()).toEqual(['channels_last', 'nchw']);
    expect(m.train).toBe(Math.max(m.formats!.nchw!.train, m.formats!.channels_last!.train));
    expect(m.formats![m.trainFormat!]!.train).toBe(m.train);
    expect(m.infer).toBe(Math.max(m.formats!.nchw!.infer, m.formats!.channels_last!.infer));
    expect(m.clock).toBe('wall');
    expect(measureTorch(pytorch!, QUICK_CASES[0]!, { threads: 1, steps: 1, warmup: 0, clock: 'cpu' }).clock).toBe('cpu');
    // d2l LeNet: conv 1→6 5x5 pad 2 @28, conv 6→16 5x5 @10, dense 400→120→84→10, 2 FLOPs per multiply-add.
    expect(m.flops).toBe(2 * (28 * 28 * 6 * 25 + 10 * 10 * 16 * 25 * 6 + 400 * 120 + 120 * 84 + 84 * 10));
  });
});
