// Runs a sweep in a child process so that a test can SIGKILL it mid-trial.
import '@cnnlab/arch-lenet';
import { runSweep } from '../../src/index.js';
import { GRID_SPEC } from './specs.js';

const [dir] = process.argv.slice(2) as [string];
let current = '';
await runSweep(GRID_SPEC, {
  dir,
  hooks: {
    onTrialStart: (t) => { current = t.name; },
    onBatch: (p) => process.stdout.write(`batch ${current} ${p.epoch} ${p.batch}\n`),
  },
});
process.stdout.write('done\n');
