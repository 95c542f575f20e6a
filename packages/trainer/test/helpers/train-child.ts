// Runs a training in a child process so that a test can SIGKILL it at any moment.
import { resumeRun, train } from '../../src/index.js';
import { TEST_RUN } from './test-arch.js';

const [mode, target, overrides] = process.argv.slice(2) as ['train' | 'resume', string, string | undefined];
const hooks = {
  onBatch: (p: { epoch: number; batch: number }) => process.stdout.write(`batch ${p.epoch} ${p.batch}\n`),
};
if (mode === 'train') {
  const [logdir, name] = target.split('::') as [string, string];
  await train({ ...TEST_RUN, ...(overrides ? JSON.parse(overrides) : {}), logdir, name }, hooks);
} else {
  await resumeRun(target, {}, hooks);
}
process.stdout.write('done\n');
