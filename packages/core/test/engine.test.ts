import { describe, expect, it } from 'vitest';
import { describeEngine, doctor, initEngine } from '../src/index.js';

describe('engine', () => {
  it('auto picks wasm here (the native packages cannot install) and reports its threads', async () => {
    const info = await initEngine();
    expect(info.backend).toBe('wasm');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.skipped.join('\n')).toMatch(/tfjs-node-gpu/);
    expect(describeEngine(info)).toMatch(/^wasm \(.*\d+ threads?\)$/);
  });

  it('an explicit native backend that is not installed fails saying how to install it', async () => {
    await expect(initEngine({ backend: 'tensorflow' })).rejects.toThrow(/Backend "tensorflow" is not available[\s\S]*npm install @tensorflow\/tfjs-node/);
    await expect(initEngine({ backend: 'tensorflow-gpu' })).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('rejects an unknown backend name with the list of choices', async () => {
    await expect(initEngine({ backend: 'cuda' as never })).rejects.toThrow(/Unknown backend "cuda". Choose one of: auto, tensorflow-gpu, tensorflow, wasm, cpu/);
  });

  it('doctor names the backend and what GPU use needs', async () => {
    const report = await doctor();
    expect(report.engine.backend).toBe('wasm');
    expect(report.optionalPackages.map((p) => [p.name, p.installed])).toEqual([
      ['@tensorflow/tfjs-node-gpu', false],
      ['@tensorflow/tfjs-node', false],
    ]);
    expect(report.gpuAdvice.join(' ')).toMatch(/tfjs-node-gpu/);
  });
});
