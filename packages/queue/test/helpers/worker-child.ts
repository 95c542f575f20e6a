// A queue worker in its own process, so that a test can SIGKILL it mid-trial. Prints one JSON line per event.
import { runWorker } from '../../src/index.js';

const [url, logdir, name, lockMs] = process.argv.slice(2) as [string, string, string, string];
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
process.stdout.write(`${JSON.stringify({ type: 'up', name })}\n`);
const counts = await runWorker({
  url, logdir, name, lockDurationMs: Number(lockMs), studyPollMs: 200, batchEvents: true, signal: controller.signal,
  onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
});
process.stdout.write(`${JSON.stringify({ type: 'exit', ...counts })}\n`);
