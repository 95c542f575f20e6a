import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from '@cnnlab/trainer/records';

/** queue.json: what a queue executor publishes in the study directory for reports and the dashboard (no connection needed to read it). */
export const QUEUE_FILE = 'queue.json';

export interface QueueSnapshot {
  version: 1;
  /** Redis URL with any password replaced by "***". */
  url: string;
  queue: string;
  updatedAt: string;
  counts: { waiting: number; active: number; done: number; failed: number; retried: number };
  jobs: {
    id: string;
    name: string;
    state: 'waiting' | 'active' | 'done' | 'failed';
    worker: string | null;
    /** Times the job was started (more than 1: retried after a worker died or was stopped). */
    attempts: number;
    epoch: number | null;
    epochs: number;
    message?: string;
  }[];
  /** Jobs in the study's queue that are not the study's own trials (malformed or unknown), with why they failed. */
  foreign: { id: string; message: string }[];
}

/** A study's queue.json, or null when it never ran on a queue. */
export function readQueueSnapshot(studyDir: string): QueueSnapshot | null {
  const path = join(studyDir, QUEUE_FILE);
  return existsSync(path) ? readJson<QueueSnapshot>(path, 'Queue state') : null;
}
