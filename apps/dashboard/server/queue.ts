import type { Router } from 'express';
import { readQueueSnapshot, type QueueSnapshot } from '@cnnlab/search/records';
import { HttpError, logdirRoot, resolveRunPath } from './paths.js';

/** GET /api/sweeps/:sweep/queue and /api/searches/:search/queue: the study's queue.json (null when it never ran on a queue). */
export interface QueueResponse {
  study: string;
  queue: QueueSnapshot | null;
}

/** Passwords never reach the browser, even from a queue.json written by hand or by an older coordinator. */
const withoutPassword = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]+@/, '//$1:***@');

/**
 * The queue of a study that runs on workers, as its coordinator publishes it in the study directory
 * (queue.json, rewritten atomically about once a second): the dashboard needs no Redis connection or credentials.
 */
export function mountQueueRoutes(api: Router, logdir: string): void {
  const root = logdirRoot(logdir);
  for (const [kind, path] of [['sweep', 'sweeps'], ['search', 'searches']] as const) {
    api.get(`/${path}/:study/queue`, async (req, res) => {
      const dir = await root().then((r) => {
        if (!r) throw new HttpError(404, `Unknown ${kind} "${req.params.study}": the log directory does not exist`);
        return resolveRunPath(r, req.params.study, kind);
      });
      let queue: QueueSnapshot | null;
      try {
        queue = readQueueSnapshot(dir);
      } catch (error) {
        throw new HttpError(422, `${req.params.study}/queue.json: ${(error as Error).message.split(dir).join(req.params.study)}`);
      }
      const body: QueueResponse = { study: req.params.study, queue: queue && { ...queue, url: withoutPassword(queue.url) } };
      res.json(body);
    });
  }
}
