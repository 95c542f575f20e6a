import { readFileSync } from 'node:fs';
import { runPaths, type RunReport, type RunStatus } from './run-dir.js';

/** A 'running' report with no lock file that has not been updated for this long is taken as interrupted. */
const NO_LOCK_GRACE_MS = 30_000;

export const INTERRUPTED_MESSAGE = 'The training process is no longer running (killed or crashed): continue it with cnnlab train --resume';

/** Whether the process holding a lock file is alive: true or false, or null when there is no readable lock. */
export function lockHolderAlive(path: string): boolean | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run's status as it is now: report.json's, except that a 'running' run whose trainer is gone (its lock names a
 * dead process, or there is no lock and the report is older than a few seconds' grace) is 'interrupted'.
 */
export function liveRunStatus(dir: string, report: Pick<RunReport, 'status' | 'message' | 'updatedAt'>, now = Date.now()): { status: RunStatus; message?: string } {
  if (report.status === 'running') {
    const alive = lockHolderAlive(runPaths(dir).lock);
    const updated = Date.parse(report.updatedAt);
    const recent = Number.isFinite(updated) && now - updated < NO_LOCK_GRACE_MS;
    if (alive === false || (alive === null && !recent)) return { status: 'interrupted', message: INTERRUPTED_MESSAGE };
  }
  return { status: report.status, ...(report.message ? { message: report.message } : {}) };
}
