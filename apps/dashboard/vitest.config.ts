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
    // Browser tests poll a page that a 2-core CI machine running other suites can take seconds to update;
    // vitest's 1 s default made them fail there on a correct page.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
  },
});
