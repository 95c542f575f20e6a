import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TFJS_SPEC_FILES } from './spec-files.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tfjsCoreDist = dirname(require.resolve('@tensorflow/tfjs-core/dist/index.js'));

export type SpecBackend = 'torch' | 'cpu';

/**
 * The entry of one bundle: jasmine's globals first, then the backend and tfjs's test environment
 * (setTestEnvs, as tfjs's own backends register theirs), then the spec files, which declare their
 * suites at import time. ESM evaluates imports in order.
 */
function entrySource(backend: SpecBackend, files: readonly string[]): string {
  return [
    `import ${JSON.stringify(join(here, 'boot-jasmine.cjs'))};`,
    `import ${JSON.stringify(join(here, backend === 'torch' ? 'env-torch.ts' : 'env-cpu.ts'))};`,
    ...files.map((f) => `import ${JSON.stringify(join(tfjsCoreDist, f))};`),
    `import { runJasmine } from ${JSON.stringify(join(here, 'run-jasmine.ts'))};`,
    `await runJasmine(${JSON.stringify(backend)});`,
  ].join('\n');
}

/**
 * Bundles tfjs-core's spec files with the backend into one ESM file under `outDir` and returns its path.
 * tfjs-core resolves to its ESM build (the `module` field) so the specs and the backend share one copy.
 */
export async function bundleSpecs(backend: SpecBackend, outDir: string, files: readonly string[] = TFJS_SPEC_FILES): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `tfjs-specs-${backend}.mjs`);
  await build({
    stdin: { contents: entrySource(backend, files), resolveDir: here, sourcefile: `tfjs-specs-${backend}.entry.mjs`, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    conditions: ['@cnnlab/source'],
    outfile,
    logLevel: 'error',
    // tfjs-core's package.json marks only its registries as having side effects; its spec files register suites.
    ignoreAnnotations: true,
    // tfjs-core's jasmine_util require()s jasmine-core; an ESM bundle needs a require for node's built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
