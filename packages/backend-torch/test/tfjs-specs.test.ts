import { describe, expect, it } from 'vitest';
import { runTfjsSpecs, summarize } from './tfjs-specs/run-specs.js';
import { TFJS_SPEC_FILES } from './tfjs-specs/spec-files.js';
import { runTorchTests } from './support.js';

// tfjs-core's own kernel specs, bundled with esbuild and run under jasmine in child processes, once on tfjs's
// cpu backend (the reference) and once on torch. Every spec the cpu backend passes must pass on torch.
describe.skipIf(!runTorchTests)(`tfjs-core's kernel specs (${TFJS_SPEC_FILES.length} files)`, () => {
  it('pass on torch wherever they pass on cpu', { timeout: 600_000 }, async () => {
    const [cpu, torch] = [await runTfjsSpecs('cpu'), await runTfjsSpecs('torch')];
    const cpuPassed = cpu.specs.filter((s) => s.status === 'passed').map((s) => s.name.replace(' cpu {} ', ' '));
    const torchOutcome = new Map(torch.specs.map((s) => [s.name.replace(' torch {} ', ' '), s]));
    console.log(`tfjs-core specs: cpu ${JSON.stringify(summarize(cpu))}, torch ${JSON.stringify(summarize(torch))}, torch fallbacks ${JSON.stringify(torch.fallbacks)}`);
    expect(cpuPassed.length).toBeGreaterThan(400);
    const notPassing = cpuPassed
      .filter((name) => torchOutcome.get(name)?.status !== 'passed')
      .map((name) => `${name}: ${torchOutcome.get(name)?.failures.join('; ') ?? 'did not run'}`);
    expect(notPassing).toEqual([]);
  });
});
