import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from './cases.js';
import type { Measurement } from './measure.js';
import { CLOCK_ENV, type BenchClock } from './clock.js';

const BENCH = fileURLToPath(new URL('./bench.ts', import.meta.url));

/**
 * Kernel registration and the thread count are process-wide, so the baseline
 * (stock wasm as Node runs it: one thread) is measured in a child process.
 */
export function measureBaseline(c: BenchCase, o: { steps: number; warmup: number; clock?: BenchClock }): Measurement {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', BENCH, '--measure-one', JSON.stringify({ c, steps: o.steps, warmup: o.warmup })], {
    encoding: 'utf8', env: { ...process.env, CNNLAB_WASM_KERNELS: 'baseline', CNNLAB_THREADS: '1', [CLOCK_ENV]: o.clock ?? process.env[CLOCK_ENV] ?? 'wall' }, maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measurement;
}
