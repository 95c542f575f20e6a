/** The packages of the npm workspace, found from the root package.json's "workspaces" (no hard-coded list). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Manifest } from './imports.js';

export interface WorkspacePackage {
  name: string;
  version: string;
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the workspace root, forward slashes ("packages/core"). */
  relDir: string;
  manifest: Manifest;
  /** Not `"private": true`: npm would publish it. */
  publishable: boolean;
}

function segmentMatcher(segment: string): (name: string) => boolean {
  if (!segment.includes('*')) return (name) => name === segment;
  const re = new RegExp(`^${segment.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return (name) => !name.startsWith('.') && re.test(name);
}

/** Expands one "workspaces" pattern ("packages/core", "packages/architectures/*", "tools/**") to directories. */
export function expandWorkspacePattern(root: string, pattern: string): string[] {
  const segments = pattern.replace(/\/+$/, '').split('/').filter((s) => s !== '' && s !== '.');
  let dirs = [root];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (segment === '**') {
        const walk = (d: string) => {
          next.push(d);
          for (const e of readdirSync(d)) {
            const p = join(d, e);
            if (e !== 'node_modules' && !e.startsWith('.') && statSync(p).isDirectory()) walk(p);
          }
        };
        walk(dir);
        continue;
      }
      if (!segment.includes('*')) {
        const p = join(dir, segment);
        if (existsSync(p) && statSync(p).isDirectory()) next.push(p);
        continue;
      }
      const matches = segmentMatcher(segment);
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (e !== 'node_modules' && matches(e) && statSync(p).isDirectory()) next.push(p);
      }
    }
    dirs = next;
  }
  return dirs;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every workspace package (a directory matched by "workspaces" that holds a package.json), sorted by directory. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const rootManifest = readManifest(root);
  const raw = rootManifest.workspaces as string[] | { packages?: string[] } | undefined;
  const patterns = Array.isArray(raw) ? raw : raw?.packages ?? [];
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).flatMap((p) => expandWorkspacePattern(root, p.slice(1)));
  const dirs = new Set(include.flatMap((p) => expandWorkspacePattern(root, p)));
  const packages: WorkspacePackage[] = [];
  for (const dir of [...dirs].sort()) {
    if (exclude.includes(dir) || !existsSync(join(dir, 'package.json'))) continue;
    const manifest = readManifest(dir);
    packages.push({
      name: manifest.name,
      version: String(manifest.version ?? ''),
      dir,
      relDir: relative(root, dir).split(sep).join('/'),
      manifest,
      publishable: manifest.private !== true,
    });
  }
  return packages;
}

/** Packages in dependency order (dependencies first), for builds and installs. */
export function topologicalOrder(packages: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const done = new Set<string>();
  const out: WorkspacePackage[] = [];
  const visit = (p: WorkspacePackage, stack: string[]) => {
    if (done.has(p.name) || stack.includes(p.name)) return;
    const m = p.manifest;
    for (const dep of Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies })) {
      const d = byName.get(dep);
      if (d) visit(d, [...stack, p.name]);
    }
    done.add(p.name);
    out.push(p);
  };
  for (const p of packages) visit(p, []);
  return out;
}
