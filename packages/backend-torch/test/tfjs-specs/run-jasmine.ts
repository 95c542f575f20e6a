import { torchFallbacks } from '../../src/index.js';

export interface SpecOutcome { name: string; status: string; failures: string[] }
export interface SpecReport { backend: string; specs: SpecOutcome[]; fallbacks: Record<string, number> }

export const REPORT_MARK = 'TFJS_SPEC_REPORT ';

/** Runs the declared jasmine suites and prints one line, REPORT_MARK + JSON of every spec's outcome. */
export async function runJasmine(backend: string): Promise<void> {
  const env = (globalThis as any).jasmine.getEnv();
  const specs: SpecOutcome[] = [];
  env.configure({ random: false, stopOnSpecFailure: false });
  env.addReporter({
    specDone: (r: any) => specs.push({ name: r.fullName, status: r.status, failures: r.failedExpectations.map((e: any) => String(e.message).slice(0, 400)) }),
  });
  await new Promise<void>((resolve) => {
    env.addReporter({ jasmineDone: () => resolve() });
    env.execute();
  });
  process.stdout.write(`${REPORT_MARK}${JSON.stringify({ backend, specs, fallbacks: Object.fromEntries(torchFallbacks()) })}\n`);
}
