/** Shape of GET /api/runs/:run/lr-find (types only: the browser bundle imports it). */
import type { LrFindRecord } from '@cnnlab/trainer/records';

/** lr-find.json as `cnnlab lr-find` wrote it, checked, with the sentence it printed. */
export interface LrFindResponse extends LrFindRecord {
  run: string;
  /** The trainer's own summary of the result (also the event files' `lr_find/suggestion` text). */
  description: string;
}
