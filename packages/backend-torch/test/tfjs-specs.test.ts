import { describe, expect, it } from 'vitest';
import type { SpecReport } from './tfjs-specs/run-jasmine.js';
import { runTfjsSpecs, summarize } from './tfjs-specs/run-specs.js';
import { TFJS_SPEC_COUNT, TFJS_SPEC_FILES } from './tfjs-specs/spec-files.js';
import { runTorchTests } from './support.js';

// tfjs-core's own kernel specs, bundled with esbuild and run under jasmine in child processes, once on tfjs's
// cpu backend (the reference) and once on torch. Every spec the cpu backend passes must pass on torch.
describe.skipIf(!runTorchTests)(`tfjs-core's kernel specs (${TFJS_SPEC_FILES.length} files)`, () => {
  let torch: SpecReport | undefined;

  it('pass on torch wherever they pass on cpu', { timeout: 600_000 }, async () => {
    const cpu = await runTfjsSpecs('cpu');
    torch = await runTfjsSpecs('torch');
    const cpuPassed = cpu.specs.filter((s) => s.status === 'passed').map((s) => s.name.replace(' cpu {} ', ' '));
    const torchOutcome = new Map(torch.specs.map((s) => [s.name.replace(' torch {} ', ' '), s]));
    console.log(`tfjs-core specs: cpu ${JSON.stringify(summarize(cpu))}, torch ${JSON.stringify(summarize(torch))}, torch fallbacks ${JSON.stringify(torch.fallbacks)}`);
    expect(cpu.specs.length).toBe(TFJS_SPEC_COUNT);
    expect(cpuPassed.length).toBe(TFJS_SPEC_COUNT);
    const notPassing = cpuPassed
      .filter((name) => torchOutcome.get(name)?.status !== 'passed')
      .map((name) => `${name}: ${torchOutcome.get(name)?.failures.join('; ') ?? 'did not run'}`);
    expect(notPassing).toEqual([]);
  });

  it('run natively: no spec, NCHW convolutions included, runs a kernel on the cpu fallback', () => {
    expect(torch, 'the spec run of the test above').toBeDefined();
    expect(torch!.specs.filter((s) => s.name.includes('NCHW')).length).toBe(34);
    expect(torch!.specs.filter((s) => Object.keys(s.fallbacks).length > 0).map((s) => `${s.name}: ${JSON.stringify(s.fallbacks)}`)).toEqual([]);
    expect(torch!.fallbacks).toEqual({});
  });
});
