import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The browser client: index.html + src/ → dist/client, served by the dashboard server.
 * `npm run dev -w @cnnlab/dashboard` serves it with hot reload and forwards /api to a dashboard
 * started on port 6006 (`npx cnnlab dashboard --logdir runs`).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [svelte()],
  // Workspace packages from source (@cnnlab/analysis/formulas needs no build first).
  resolve: { conditions: ['@cnnlab/source', ...defaultClientConditions] },
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:6006' } },
});
