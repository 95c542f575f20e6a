import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { shimFiles } from './shims.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** CommonJS dependencies bundled into ESM still read these. */
const BANNER = [
  "import { createRequire as __kitRequire } from 'node:module';",
  "import { fileURLToPath as __kitPath } from 'node:url';",
  "import { dirname as __kitDir } from 'node:path';",
  'const require = __kitRequire(import.meta.url);',
  'const __filename = __kitPath(import.meta.url);',
  'const __dirname = __kitDir(__filename);',
].join('\n');

export const FAMILIES = ['lenet', 'alexnet', 'vgg', 'nin', 'googlenet', 'resnet', 'densenet', 'regnet'].map((f) => `@cnnlab/arch-${f}`);

/** The tfjs wasm backend's binaries; its loader looks for them next to the script (`__dirname`). */
function wasmFiles(): string[] {
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm'));
  return ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => join(dir, f));
}

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@cnnlab/source'],
    banner: { js: BANNER },
    // Native packages: an optional accelerator (its package falls back without it) and
    // sharp (image folders, not used by the kit), which the shims replace.
    external: ['msgpackr-extract', 'sharp', '*.node'],
    logLevel: 'warning',
    legalComments: 'none',
    minify: true,
  });
}

/**
 * Writes <kit>/cli/cnnlab.mjs (the CLI), <kit>/cli/parity-grid.mjs (the
 * kernel parity grid), the wasm files beside them and the node_modules shims.
 */
export async function bundleCli(kit: string): Promise<void> {
  const cli = join(kit, 'cli');
  mkdirSync(cli, { recursive: true });
  await bundle(join(here, 'kit-cli.ts'), join(cli, 'cnnlab.mjs'));
  await bundle(join(here, 'kit-parity.ts'), join(cli, 'parity-grid.mjs'));
  for (const file of wasmFiles()) copyFileSync(file, join(cli, file.split('/').pop()!));
  // The CLI reads its version from ../package.json, as it does in packages/cli/dist.
  const version = (JSON.parse((await import('node:fs')).readFileSync(require.resolve('@cnnlab/cli/package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(kit, 'package.json'), JSON.stringify({ name: 'cnnlab-device-kit', version, private: true, type: 'module' }, null, 2) + '\n');
  const torchExports = Object.keys(await import('@cnnlab/backend-torch'));
  for (const shim of shimFiles(torchExports, FAMILIES)) {
    const path = join(kit, 'node_modules', shim.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, shim.text);
  }
}
