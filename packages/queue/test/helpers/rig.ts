import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { RedisHandle } from '../../../../test-support/redis.js';
import type { Child } from './processes.js';

/** A temp directory, a Redis and worker processes for one test file, all stopped and removed afterwards. */
export function queueRig(prefix: string): { root: string; redis: RedisHandle | null; workers: Child[] } {
  const rig = { root: mkdtempSync(join(tmpdir(), prefix)), redis: null as RedisHandle | null, workers: [] as Child[] };
  afterAll(async () => {
    for (const w of rig.workers) w.process.kill('SIGKILL');
    await rig.redis?.stop();
    rmSync(rig.root, { recursive: true, force: true });
  });
  return rig;
}
