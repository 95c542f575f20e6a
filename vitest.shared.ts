import { defineConfig } from 'vitest/config';

/** Vitest settings shared by every package: tests read workspace siblings from source. */
export function packageConfig(root: string) {
  return defineConfig({
    root,
    resolve: { conditions: ['@cnnlab/source'] },
    ssr: { resolve: { conditions: ['@cnnlab/source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
      // Suites that do not name an engine run on wasm, also where libtorch makes `auto` pick torch;
      // the torch suites ask for it, and CNNLAB_BACKEND=torch runs everything else on it too.
      env: { CNNLAB_BACKEND: process.env.CNNLAB_BACKEND ?? 'wasm' },
    },
  });
}
