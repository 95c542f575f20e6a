import { Command } from 'commander';
import { validateBackend } from '@cnnlab/core';
import { redactUrl, redisUrl, REDIS_URL_ENV, runWorker, type WorkerEvent } from '@cnnlab/queue';
import { int } from '../parse.js';
import { interruptSignal } from './train.js';

function describe(e: WorkerEvent): string | null {
  switch (e.type) {
    case 'serving': return `Serving ${e.queue}`;
    case 'start': return `${e.name}: ${e.action === 'resume' ? 'resuming' : 'training'} (job ${e.job})`;
    case 'epoch': return `${e.name}: epoch ${e.epoch}, validation loss ${e.valLoss.toFixed(4)}`;
    case 'done': return `${e.name}: ${e.status}${e.error ? ` (${e.error})` : ''}`;
    case 'requeued': return `${e.name}: checkpointed and put back in the queue`;
    case 'refused': return `Refused job ${e.job}: ${e.message}`;
    case 'error': return `Queue error: ${e.message}`;
    default: return null;
  }
}

/** `cnnlab worker`: trains the trials that sweeps and searches (`--queue`) put in Redis. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('Train queued sweep and search trials (any number of workers, on any machine that sees the same logdir); '
      + 'Ctrl-C checkpoints the current trial and puts it back in the queue')
    .option('--queue [url]', `Redis URL, redis:// or rediss:// (default: ${REDIS_URL_ENV})`)
    .option('--logdir <dir>', 'the shared logdir the studies write to (the same directory as the coordinator\'s --logdir)', 'runs')
    .option('-c, --concurrency <n>', 'trials trained at once', int('--concurrency'), 1)
    .option('--name <name>', 'this worker\'s name in reports and the dashboard (default <host>:<pid>)')
    .action(async (o: { queue?: string | boolean; logdir: string; concurrency: number; name?: string }) => {
      const url = redisUrl(o.queue ?? true);
      // The global --backend (CNNLAB_BACKEND) is this worker's engine for jobs that name none.
      const backend = process.env.CNNLAB_BACKEND ? validateBackend(process.env.CNNLAB_BACKEND) : undefined;
      const interrupt = interruptSignal();
      console.log(`Worker ${o.name ?? ''} on ${redactUrl(url)}, logdir ${o.logdir}, ${o.concurrency} trial(s) at a time; Ctrl-C to stop`.replace('Worker  on', 'Worker on'));
      try {
        const counts = await runWorker({
          url, logdir: o.logdir, concurrency: o.concurrency, ...(o.name ? { name: o.name } : {}), ...(backend ? { backend } : {}), signal: interrupt.signal,
          onEvent: (e) => {
            const line = describe(e);
            if (line) console.log(line);
          },
        });
        console.log(`Stopped: ${counts.trained} trial(s) trained, ${counts.refused} job(s) refused.`);
      } finally {
        interrupt.release();
      }
    });
}
