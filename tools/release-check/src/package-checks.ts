/** Checks of a publishable package.json and of the file list of its tarball. */
import type { Manifest } from './imports.js';

/** Export conditions that only the workspace sets (vitest, tsx --conditions): their targets are not published. */
export const WORKSPACE_ONLY_CONDITIONS = ['@cnnlab/source'];

export interface ReferencedFile {
  /** Where it is referenced: "exports[\".\"].import", "main", "bin.cnnlab". */
  field: string;
  /** Path relative to the package root, without "./" (may hold one "*" for subpath patterns). */
  path: string;
}

const normal = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');

/** Every file package.json points at for consumers (exports, main, types, bin), skipping workspace-only conditions. */
export function referencedFiles(manifest: Manifest, ignoreConditions: readonly string[] = WORKSPACE_ONLY_CONDITIONS): ReferencedFile[] {
  const out: ReferencedFile[] = [];
  const walk = (value: unknown, field: string) => {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      out.push({ field, path: normal(value) });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${field}[${i}]`));
    } else if (typeof value === 'object') {
      for (const [key, target] of Object.entries(value as Record<string, unknown>)) {
        if (ignoreConditions.includes(key)) continue;
        walk(target, `${field}[${JSON.stringify(key)}]`);
      }
    }
  };
  walk(manifest.exports, 'exports');
  for (const field of ['main', 'types', 'typings', 'module'] as const) {
    if (typeof manifest[field] === 'string') out.push({ field, path: normal(manifest[field] as string) });
  }
  const bin = manifest.bin;
  if (typeof bin === 'string') out.push({ field: 'bin', path: normal(bin) });
  else if (bin && typeof bin === 'object') for (const [name, p] of Object.entries(bin as Record<string, string>)) out.push({ field: `bin.${name}`, path: normal(p) });
  return out;
}

function patternMatcher(pattern: string): (file: string) => boolean {
  if (!pattern.includes('*')) return (file) => file === pattern;
  const [before, after] = [pattern.slice(0, pattern.indexOf('*')), pattern.slice(pattern.indexOf('*') + 1)];
  return (file) => file.length >= before.length + after.length && file.startsWith(before) && file.endsWith(after);
}

/** Files a published package must not contain. */
export const FORBIDDEN_FILES: { test: RegExp; why: string }[] = [
  { test: /^src\//, why: 'sources (src/) are not published' },
  { test: /^(test|tests|__tests__)\//, why: 'tests are not published' },
  { test: /(^|\/)__tests__\//, why: 'tests are not published' },
  { test: /\.(test|spec)\.[cm]?[jt]sx?$/, why: 'a test file' },
  { test: /\.(test|spec)\.d\.[cm]?ts$/, why: 'declarations of a test file' },
  { test: /(^|\/)[^/]*\.?tsbuildinfo$/, why: 'TypeScript build state (tsbuildinfo)' },
  { test: /(^|\/)tsconfig(\.[^/]*)?\.json$/, why: 'a tsconfig' },
  { test: /(^|\/)vitest\.config\.[cm]?[jt]s$/, why: 'a vitest config' },
  { test: /(^|\/)node_modules\//, why: 'node_modules' },
  { test: /(^|\/)\.cache\//, why: 'a cache folder' },
];

export interface TarballProblem {
  packageName: string;
  message: string;
}

/** Checks a tarball's file list (paths relative to the package root, as `npm pack --json` lists them). */
export function checkTarballFiles(manifest: Manifest, files: string[]): TarballProblem[] {
  const problems: TarballProblem[] = [];
  const name = manifest.name;
  const have = new Set(files.map(normal));
  const fail = (message: string) => problems.push({ packageName: name, message: `${name}: ${message}` });

  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!have.has(required)) fail(`the tarball has no ${required}`);
  }
  for (const ref of referencedFiles(manifest)) {
    if (ref.path === 'package.json') continue;
    const matches = patternMatcher(ref.path);
    if (![...have].some(matches)) fail(`${ref.field} points at ${ref.path}, which is not in the tarball`);
  }
  const refs = referencedFiles(manifest);
  if (!refs.some((r) => /\.d\.[cm]?ts$/.test(r.path))) fail('neither "exports" nor "types" points at a declaration file (.d.ts)');
  for (const file of have) {
    const hit = FORBIDDEN_FILES.find((f) => f.test.test(file));
    if (hit) fail(`the tarball contains ${file} (${hit.why}); limit "files" in package.json`);
  }
  return problems;
}

// A minimal semver check, enough for the ranges this repository writes (^x.y.z, ~x.y.z, x.y.z, >=x.y.z).
function parse(v: string): [number, number, number, string] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''] : null;
}

function compare(a: [number, number, number, string], b: [number, number, number, string]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  if (a[3] === b[3]) return 0;
  if (a[3] === '') return 1;
  if (b[3] === '') return -1;
  return a[3] < b[3] ? -1 : 1;
}

/** Whether `version` satisfies `range`; undefined for range forms this helper does not understand. */
export function satisfies(version: string, range: string): boolean | undefined {
  const v = parse(version);
  const r = range.trim();
  if (!v) return undefined;
  const op = /^(\^|~|>=|=)?\s*(.+)$/.exec(r);
  const base = op ? parse(op[2]!) : null;
  if (!op || !base) return undefined;
  if (v[3] !== '' && !(v[0] === base[0] && v[1] === base[1] && v[2] === base[2])) return false; // prereleases only match their own x.y.z
  switch (op[1]) {
    case undefined:
    case '=':
      return compare(v, base) === 0;
    case '>=':
      return compare(v, base) >= 0;
    case '~':
      return compare(v, base) >= 0 && v[0] === base[0] && v[1] === base[1];
    case '^': {
      if (compare(v, base) < 0) return false;
      if (base[0] !== 0) return v[0] === base[0];
      if (base[1] !== 0) return v[0] === 0 && v[1] === base[1];
      return v[0] === 0 && v[1] === 0 && v[2] === base[2];
    }
    default:
      return undefined;
  }
}

const BAD_RANGE = /^(\*|x|latest|next|)$|^(file|link|workspace|portal|git|git\+\w+|https?|github):/i;

/**
 * package.json fields a published package needs, and dependency ranges a user can install:
 * no `*`, `file:`, `workspace:` or URLs; workspace siblings as ranges that the sibling's version satisfies.
 */
export function checkManifest(manifest: Manifest, siblings: Map<string, string>): TarballProblem[] {
  const problems: TarballProblem[] = [];
  const name = manifest.name ?? '(unnamed)';
  const fail = (message: string) => problems.push({ packageName: name, message: `${name}: ${message}` });
  for (const field of ['name', 'version', 'description', 'license'] as const) {
    if (typeof manifest[field] !== 'string' || (manifest[field] as string).trim() === '') fail(`package.json has no "${field}"`);
  }
  if (manifest.version && !parse(manifest.version)) fail(`version "${manifest.version}" is not a semantic version`);
  const repo = manifest.repository as { url?: string } | string | undefined;
  if (!repo || (typeof repo === 'object' && !repo.url)) fail('package.json has no "repository"');
  if (manifest.type !== 'module') fail('package.json must have "type": "module" (the packages are ESM)');
  if (!manifest.exports) fail('package.json has no "exports"');
  const engines = manifest.engines as { node?: string } | undefined;
  if (!engines?.node) fail('package.json has no "engines.node"');
  if (!Array.isArray(manifest.files) || manifest.files.length === 0) fail('package.json has no "files" list (npm would publish everything not ignored)');
  if (name.startsWith('@') && (manifest.publishConfig as { access?: string } | undefined)?.access !== 'public') {
    fail('a scoped package needs "publishConfig": { "access": "public" } (npm publishes scoped packages as restricted otherwise)');
  }
  const bin = manifest.bin;
  for (const [key, target] of Object.entries(typeof bin === 'string' ? { [name]: bin } : (bin as Record<string, string> | undefined) ?? {})) {
    if (/^\.\//.test(target)) fail(`bin["${key}"] is "${target}": write it without "./" ("${target.slice(2)}"), or npm publish rewrites it and warns that package.json is invalid`);
  }
  const exportsRoot = manifest.exports as Record<string, unknown> | undefined;
  if (exportsRoot && typeof exportsRoot === 'object') {
    for (const [subpath, target] of Object.entries(exportsRoot)) {
      if (!target || typeof target !== 'object' || Array.isArray(target)) continue;
      const keys = Object.keys(target as object);
      const consumerKeys = keys.filter((k) => !WORKSPACE_ONLY_CONDITIONS.includes(k));
      if ((keys.includes('import') || keys.includes('default')) && !keys.includes('types')) fail(`exports["${subpath}"] has no "types" condition`);
      if (keys.includes('types') && consumerKeys[0] !== 'types') fail(`exports["${subpath}"]: "types" must come first (after the workspace-only conditions)`);
    }
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (BAD_RANGE.test(String(range).trim())) {
        fail(`${field}["${dep}"] is "${range}": published packages need a registry version range (e.g. "^1.2.0")`);
        continue;
      }
      const siblingVersion = siblings.get(dep);
      if (siblingVersion !== undefined) {
        const ok = satisfies(siblingVersion, String(range));
        if (ok === false) fail(`${field}["${dep}"] is "${range}", which the workspace's ${dep}@${siblingVersion} does not satisfy`);
        if (ok === undefined) fail(`${field}["${dep}"] is "${range}": use a ^x.y.z range for workspace siblings`);
      }
    }
  }
  return problems;
}
