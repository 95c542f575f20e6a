import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedCompressed, compressFile, fileKey } from './compress.js';

/**
 * This machine's Node binary (`process.execPath`), stripped of its debug
 * symbols (Debian's is 99 MB with them, 86 MB without; xz makes it ~22 MB),
 * compressed into <kit>/node.xz. Cached: xz takes minutes on 2 cores.
 */
export function packNode(kit: string, cacheDir: string, execPath = process.execPath): string {
  return cachedCompressed(cacheDir, `node-${process.version}-${fileKey(execPath)}`, (target) => {
    const work = mkdtempSync(join(tmpdir(), 'cnnlab-kit-node-'));
    try {
      const stripped = join(work, 'node');
      const strip = spawnSync('strip', ['-o', stripped, execPath], { stdio: 'inherit' });
      if (strip.status !== 0) copyFileSync(execPath, stripped); // no binutils: ship it unstripped
      const check = spawnSync(stripped, ['-e', 'process.stdout.write(process.version)'], { encoding: 'utf8' });
      if (check.stdout !== process.version) throw new Error(`device-kit: the stripped copy of ${execPath} does not run (${check.stderr.trim()})`);
      return compressFile(stripped, target);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, join(kit, 'node'));
}
