import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initEngine, MAX_WASM_THREADS, validateThreads } from '../src/index.js';

const child = join(dirname(fileURLToPath(import.meta.url)), 'helpers/threads-child.ts');

/** The thread count is fixed once per process, so each count runs in its own. */
function trainWith(threads: string): { engine: string; threads: number; note: string | null; weights: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', child], {
    encoding: 'utf8', env: { ...process.env, CNNLAB_THREADS: threads }, timeout: 120_000,
  });
  // A pool worker that kept Node alive would end here as a timeout (status null).
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

describe('wasm worker threads', () => {
  it('runs the threaded build with the requested threads, and training is bit-identical to one thread', () => {
    const one = trainWith('1');
    expect(one).toMatchObject({ engine: 'wasm (SIMD, 1 thread)', threads: 1, note: null });
    const two = trainWith('2');
    expect(two).toMatchObject({ engine: 'wasm (SIMD, 2 threads)', threads: 2, note: null });
    // XNNPACK splits output tiles between threads, never a sum: the same bits.
    expect(two.weights).toBe(one.weights);
  });

  it('defaults to every core, at most 8', async () => {
    const info = await initEngine();
    expect(info.threads).toBe(process.env.CNNLAB_THREADS ? Number(process.env.CNNLAB_THREADS) : Math.min(availableParallelism(), MAX_WASM_THREADS));
  });

  it('rejects thread counts it cannot honour, naming the setting', async () => {
    expect(() => validateThreads(0)).toThrow('threads must be a whole number from 1 to 8, got 0');
    expect(() => validateThreads('2.5', 'CNNLAB_THREADS')).toThrow('CNNLAB_THREADS must be a whole number from 1 to 8, got "2.5"');
    expect(validateThreads('3')).toBe(3);
    await expect(initEngine({ threads: 9 })).rejects.toThrow('threads must be a whole number from 1 to 8, got 9');
    const current = await initEngine();
    const other = current.threads === 1 ? 2 : 1;
    await expect(initEngine({ threads: other })).rejects.toThrow(/already runs \d thread\(s\); the thread count is fixed once per process/);
  });
});
