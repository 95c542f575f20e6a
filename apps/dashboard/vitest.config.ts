import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

/**
 * One project, "dashboard": server and API tests run in Node (the default environment), component tests
 * declare `// @vitest-environment jsdom` and get Svelte's browser build through the 'browser' condition.
 * Workspace packages are read from source (the `@cnnlab/source` condition), as in every other package.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte(), svelteTesting()],
  resolve: { conditions: ['@cnnlab/source', 'browser'] },
  ssr: { resolve: { conditions: ['@cnnlab/source'] } },
  test: {
    name: 'dashboard',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
