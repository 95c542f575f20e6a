import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker thread whose entry is `name` (.js) next to this file, or `name`.ts through tsx when the server
 * runs from source (tests, tsx), with workspace packages read from source.
 */
export function startServerWorker(name: string, options: Omit<WorkerOptions, 'eval' | 'execArgv'> = {}): Worker {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const file = join(dirname(here), `${name}${ext}`);
  if (!existsSync(file)) throw new Error(`The worker ${file} is missing: rebuild the dashboard (npm run build -w @cnnlab/dashboard)`);
  // A worker inherits node's flags, but --input-type (of `node -e`) refuses a file entry.
  if (ext !== '.ts') return new Worker(file, { ...options, execArgv: process.execArgv.filter((a) => !a.startsWith('--input-type')) });
  // tsx's ESM build of its API (require.resolve finds the CommonJS one, which cannot load .ts in a worker).
  const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((t) => (t.tsImport ?? t.default.tsImport)(${JSON.stringify(pathToFileURL(file).href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { ...options, eval: true, execArgv: ['--conditions=@cnnlab/source'] });
}
