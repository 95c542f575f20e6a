import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { resetTorchFallbacks, torchFallbacks } from '../src/index.js';
import { CASES, runCase } from './parity-cases.js';
import { maxRelError, runTorchTests, useBackend } from './support.js';

const table: string[] = [];

describe.runIf(runTorchTests)('torch kernels match the cpu backend', () => {
  afterAll(() => {
    console.log(`torch vs cpu parity (max |torch-cpu| / max(1,|cpu|)):\n${table.join('\n')}`);
  });

  it.each(CASES)('%s', async (_name, run) => {
    await useBackend('cpu');
    const reference = runCase(run);
    resetTorchFallbacks();
    await useBackend('torch');
    const torch = runCase(run);
    const fallbacks = [...torchFallbacks().keys()];
    expect(torch.shapes).toEqual(reference.shapes);
    const error = Math.max(...torch.values.map((v, i) => maxRelError(v, reference.values[i]!)));
    table.push(`| ${_name} | ${error.toExponential(2)} | ${fallbacks.join(', ') || '-'} |`);
    expect(error).toBeLessThan(1e-5);
    // Cases that tfjs's own legacy sampling needs (nearest-neighbour resize) may fall back; nothing else.
    expect(fallbacks.filter((k) => k !== 'ResizeNearestNeighbor')).toEqual([]);
  });
});
