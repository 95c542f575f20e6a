import { describe, expect, it } from 'vitest';
import { QUICK_CASES } from '../src/cases.js';
import { formatRow, runBench } from '../src/bench.js';

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
