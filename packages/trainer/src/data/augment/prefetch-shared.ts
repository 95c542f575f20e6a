/** Shared memory between the training thread and the prefetch thread: control word, then one batch's results. */
export interface PrefetchShared {
  /** Int32 [state, n, has targets]. */
  control: SharedArrayBuffer;
  pixels: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  targets: SharedArrayBuffer;
}

export const IDLE = 0, BUSY = 1, DONE = 2, FAILED = 3;
