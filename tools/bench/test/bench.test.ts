import { describe, expect, it } from 'vitest';
import { QUICK_CASES } from '../src/cases.js';
import { formatRow, runBench } from '../src/bench.js';
import { kernelFlops, measureCeiling } from '../src/ceiling.js';

describe('benchmark quick mode', () => {
  it('measures training and inference throughput of the quick cases on wasm', async () => {
    const { rows } = await runBench(QUICK_CASES.slice(0, 1), { steps: 1, warmup: 1, torch: false, cpu: false });
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.ours.backend).toBe('wasm');
    expect(row!.ours.trainImagesPerSecond).toBeGreaterThan(0);
    expect(row!.ours.inferImagesPerSecond).toBeGreaterThan(row!.ours.trainImagesPerSecond);
    expect(formatRow(row!)).toMatch(/^lenet\s+1x28x28\s+32/);
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
