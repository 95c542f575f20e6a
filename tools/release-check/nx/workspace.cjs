'use strict';
/** The npm workspace's package directories, from the root package.json's "workspaces" (shared by the nx glue). */
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

function expandPattern(root, pattern) {
  let dirs = [root];
  for (const segment of pattern.replace(/\/+$/, '').split('/').filter((s) => s && s !== '.')) {
    const next = [];
    for (const dir of dirs) {
      if (!segment.includes('*')) {
        const p = join(dir, segment);
        if (existsSync(p) && statSync(p).isDirectory()) next.push(p);
        continue;
      }
      const re = new RegExp(`^${segment.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (e !== 'node_modules' && !e.startsWith('.') && re.test(e) && statSync(p).isDirectory()) next.push(p);
      }
    }
    dirs = next;
  }
  return dirs;
}

/** Absolute directories of the workspace packages (those holding a package.json), sorted. */
function workspaceDirs(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const patterns = Array.isArray(manifest.workspaces) ? manifest.workspaces : manifest.workspaces?.packages ?? [];
  const excluded = new Set(patterns.filter((p) => p.startsWith('!')).flatMap((p) => expandPattern(root, p.slice(1))));
  const dirs = new Set(patterns.filter((p) => !p.startsWith('!')).flatMap((p) => expandPattern(root, p)));
  return [...dirs].filter((d) => !excluded.has(d) && existsSync(join(d, 'package.json'))).sort();
}

module.exports = { expandPattern, workspaceDirs };
