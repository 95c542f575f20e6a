export { QueueTrialExecutor } from './executor.js';
export type { QueueExecutorOptions } from './executor.js';
export { runWorker } from './worker.js';
export type { QueueWorkerOptions, WorkerEvent } from './worker.js';
export { redisUrl, redactUrl, redactIn, connect, REDIS_URL_ENV } from './connection.js';
export { parseJob, runDirectoryOf, studyPath, queueNameOf, jobIdOf, JobRefused, STUDIES_KEY, JOB_FORMAT } from './protocol.js';
export type { TrialJobData, TrialProgress, TrialResult } from './protocol.js';
