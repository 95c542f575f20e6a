import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Takes a lock file holding this process's id, for a run, sweep or search
 * directory. A stale lock (its process is gone, e.g. after SIGKILL) is taken
 * over; a live one fails with `busy(pid)`. Returns the release function.
 */
export function lockFile(path: string, busy: (pid: number) => Error): () => void {
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8'));
    let alive = false;
    try {
      alive = pid > 0 && pid !== process.pid && process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) throw busy(pid);
  }
  writeFileSync(path, String(process.pid));
  return () => rmSync(path, { force: true });
}
