import { torchFallbacks } from '../../src/index.js';

/** `fallbacks`: the kernels this spec ran on the cpu backend (torch's torchFallbacks() counts during the spec). */
export interface SpecOutcome { name: string; status: string; failures: string[]; fallbacks: Record<string, number> }
export interface SpecReport { backend: string; specs: SpecOutcome[]; fallbacks: Record<string, number> }

export const REPORT_MARK = 'TFJS_SPEC_REPORT ';

/** Runs the declared jasmine suites and prints one line, REPORT_MARK + JSON of every spec's outcome. */
export async function runJasmine(backend: string): Promise<void> {
  const env = (globalThis as any).jasmine.getEnv();
  const specs: SpecOutcome[] = [];
  env.configure({ random: false, stopOnSpecFailure: false });
  let before = new Map<string, number>();
  env.addReporter({
    specStarted: () => { before = new Map(torchFallbacks()); },
    specDone: (r: any) => specs.push({
      name: r.fullName, status: r.status, failures: r.failedExpectations.map((e: any) => String(e.message).slice(0, 400)), fallbacks: countsSince(before),
    }),
  });
  await new Promise<void>((resolve) => {
    env.addReporter({ jasmineDone: () => resolve() });
    env.execute();
  });
  process.stdout.write(`${REPORT_MARK}${JSON.stringify({ backend, specs, fallbacks: Object.fromEntries(torchFallbacks()) })}\n`);
}

function countsSince(before: ReadonlyMap<string, number>): Record<string, number> {
  const since: Record<string, number> = {};
  for (const [kernel, n] of torchFallbacks()) if (n > (before.get(kernel) ?? 0)) since[kernel] = n - (before.get(kernel) ?? 0);
  return since;
}
