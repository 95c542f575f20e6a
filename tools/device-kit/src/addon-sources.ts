import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The N-API headers the addon includes (plain node_api.h: no V8, libuv or OpenSSL headers needed). */
export const NODE_API_HEADERS = ['node_api.h', 'node_api_types.h', 'js_native_api.h', 'js_native_api_types.h', 'node_version.h'];

/** Node's include/node: beside the binary (official tarballs, nvm) or Debian's /usr/include/node. */
export function nodeIncludeDir(execPath = process.execPath): string {
  const candidates = [join(dirname(execPath), '..', 'include', 'node'), '/usr/include/node'];
  const found = candidates.find((d) => existsSync(join(d, 'node_api.h')));
  if (!found) throw new Error(`device-kit: no node_api.h in ${candidates.join(' or ')}; install Node's headers (Debian: apt-get install libnode-dev)`);
  return found;
}

/**
 * The addon's sources as they are in the working tree (packages/backend-torch/native/*)
 * into <kit>/addon/src/, and Node's N-API headers into <kit>/addon/node-include/.
 * run.sh compiles them with one g++ line.
 */
export function packAddonSources(kit: string, repoRoot: string): { sources: string[]; headersFrom: string } {
  const native = join(repoRoot, 'packages', 'backend-torch', 'native');
  const sources = readdirSync(native).filter((f) => /\.(cc|cpp|h|hpp)$/.test(f)).sort();
  if (!sources.includes('addon.cc')) throw new Error(`device-kit: ${native} has no addon.cc`);
  const src = join(kit, 'addon', 'src');
  mkdirSync(src, { recursive: true });
  for (const f of sources) copyFileSync(join(native, f), join(src, f));
  const headersFrom = nodeIncludeDir();
  const inc = join(kit, 'addon', 'node-include');
  mkdirSync(inc, { recursive: true });
  for (const h of NODE_API_HEADERS) copyFileSync(join(headersFrom, h), join(inc, h));
  return { sources, headersFrom };
}
