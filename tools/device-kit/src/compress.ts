import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/**
 * `source` compressed with xz (-6, the smallest the kit's tools undo: run.sh uses
 * xz or python3's lzma) into `target`, or with gzip when this machine has no xz.
 * Returns the file written (`.xz` or `.gz` appended to `target`).
 */
export function compressFile(source: string, target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  if (has('xz')) {
    const out = `${target}.xz`;
    const r = spawnSync('sh', ['-c', 'xz -T0 -6 -c -- "$1" > "$2.part" && mv "$2.part" "$2"', 'xz', source, out], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`device-kit: xz failed on ${source}`);
    return out;
  }
  const out = `${target}.gz`;
  writeFileSync(out, gzipSync(readFileSync(source), { level: 9 }));
  return out;
}

/**
 * A compressed file kept in `cacheDir` under a key that changes with its inputs
 * (xz takes minutes on 80 MB here), copied to `target` + its extension.
 */
export function cachedCompressed(cacheDir: string, key: string, make: (target: string) => string, target: string): string {
  mkdirSync(cacheDir, { recursive: true });
  for (const ext of ['.xz', '.gz']) {
    const cached = join(cacheDir, `${key}${ext}`);
    if (existsSync(cached)) {
      copyFileSync(cached, `${target}${ext}`);
      return `${target}${ext}`;
    }
  }
  const made = make(join(cacheDir, `${key}.tmp`));
  const ext = made.endsWith('.xz') ? '.xz' : '.gz';
  renameSync(made, join(cacheDir, `${key}${ext}`));
  copyFileSync(join(cacheDir, `${key}${ext}`), `${target}${ext}`);
  return `${target}${ext}`;
}

/** A cache key for a file: its name, size and modification time. */
export function fileKey(path: string): string {
  const s = statSync(path);
  return `${basename(path)}-${s.size}-${Math.floor(s.mtimeMs)}`;
}
