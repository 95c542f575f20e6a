// A sweep's coordinator on a queue, in its own process, so that a test can SIGKILL it and start it again.
import '@cnnlab/arch-lenet';
import { readFileSync } from 'node:fs';
import { runSweep, type SweepSpecInput } from '@cnnlab/search';
import { QueueTrialExecutor } from '../../src/index.js';

const [url, logdir, dir, specFile] = process.argv.slice(2) as [string, string, string, string];
const executor = new QueueTrialExecutor({ url, logdir, studyDir: dir, kind: 'sweep', pollMs: 100 });
const state = await runSweep(JSON.parse(readFileSync(specFile, 'utf8')) as SweepSpecInput, {
  dir, executor,
  hooks: { onTrialEnd: (t) => process.stdout.write(`trial ${t.name} ${t.status}\n`), log: (m) => process.stdout.write(`log ${m}\n`) },
});
await executor.close(state.status === 'finished');
process.stdout.write(`done ${state.status}\n`);
