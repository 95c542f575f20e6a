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
    },
  });
}
