// `npm run device:pack`: writes dist/device-kit/, everything a bare GPU machine
// (python3 with PyTorch, g++, no Node, no network) needs to run cnnlab's GPU
// checks with kit/run.sh. Prints the kit's size; fails above 60 MiB.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { defaultCacheDir } from '@cnnlab/trainer';
import { packAddonSources } from './addon-sources.js';
import { bundleCli } from './bundle.js';
import { packFashionMnist } from './fashion-idx.js';
import { packNode } from './node-binary.js';

export const KIT_LIMIT_BYTES = 60 * 2 ** 20;
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

export function treeSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeSize(path) : statSync(path).size;
  }
  return total;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function commit(): string {
  try {
    return execFileSync('git', ['-C', repoRoot, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function pack(kit = join(repoRoot, 'dist', 'device-kit'), log = (m: string) => console.log(m)): Promise<number> {
  rmSync(kit, { recursive: true, force: true });
  mkdirSync(kit, { recursive: true });
  const cacheDir = join(defaultCacheDir(repoRoot), 'device-kit');
  log('bundling the CLI and the parity grid (esbuild)…');
  const staging = join(kit, '.app');
  await bundleCli(staging);
  // One tarball for the bundles, wasm files, shims and package.json: 13 MB → ~3 MB.
  execFileSync('tar', ['-czf', join(kit, 'app.tar.gz'), '-C', staging, '.']);
  rmSync(staging, { recursive: true, force: true });
  log('compressing the Node binary (cached after the first pack)…');
  const node = packNode(kit, cacheDir);
  log('writing Fashion-MNIST as gzipped IDX…');
  const data = packFashionMnist(kit, defaultCacheDir(repoRoot), cacheDir);
  const addon = packAddonSources(kit, repoRoot);
  mkdirSync(join(kit, 'bench'), { recursive: true });
  copyFileSync(join(repoRoot, 'tools', 'bench', 'torch', 'bench.py'), join(kit, 'bench', 'bench.py'));
  for (const script of ['run.sh', 'read-events.py']) copyFileSync(join(here, '..', 'kit', script), join(kit, script));
  chmodSync(join(kit, 'run.sh'), 0o755);
  writeFileSync(join(kit, 'kit.json'), JSON.stringify({
    commit: commit(), node: process.version, node_file: relative(kit, node), images: data.count, addon_sources: addon.sources, node_headers_from: addon.headersFrom,
  }, null, 2) + '\n');
  const size = treeSize(kit);
  for (const entry of readdirSync(kit).sort()) {
    const path = join(kit, entry);
    log(`  ${entry.padEnd(16)} ${mib(statSync(path).isDirectory() ? treeSize(path) : statSync(path).size)}`);
  }
  log(`device kit: ${relative(process.cwd(), kit) || '.'} ${mib(size)} (${size} bytes; limit ${mib(KIT_LIMIT_BYTES)})`);
  if (size > KIT_LIMIT_BYTES) throw new Error(`device-kit: ${mib(size)} is over the ${mib(KIT_LIMIT_BYTES)} the GPU machine accepts`);
  return size;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await pack(process.argv[2]);
}
