import { Command } from 'commander';
import { describeEngine, initEngine, type EngineInfo } from '@cnnlab/core';
import { evaluateRun } from '@cnnlab/trainer';
import { int } from '../parse.js';
import { dashboardPort } from '../port.js';
import { loadDashboard, serveDashboard } from './dashboard.js';
import { runTrain } from './train.js';

/** What quickstart says about its engine: which one trains, and which faster ones were skipped and why. */
export function engineMessage(engine: EngineInfo): string {
  const lines = [`Training on ${describeEngine(engine)}${engine.device === 'cuda' ? ' on the GPU' : ''}.`];
  const faster = engine.skipped.filter((s) => !s.startsWith('tensorflow'));
  if (faster.length) {
    lines.push(`Faster engines skipped: ${faster.join('; ')}.`, 'Run `cnnlab doctor` for the lines that install them.');
  }
  return lines.join('\n');
}

/** `npm start`: a first run a newcomer can watch — BN-LeNet on Fashion-MNIST for a few epochs. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description('Train BN-LeNet on Fashion-MNIST for a few epochs, test it once, then open the dashboard (what `npm start` runs)')
    .option('--arch <name>', 'architecture', 'bn-lenet')
    .option('-e, --epochs <n>', 'epochs', int('--epochs'), 4)
    .option('--logdir <dir>', 'directory for runs', 'runs')
    .option('--port <n>', 'dashboard port', int('--port', { min: 0 }), 6006)
    .option('--no-dashboard', 'do not start the dashboard afterwards')
    .action(async (o: { arch: string; epochs: number; logdir: string; port: number; dashboard: boolean }) => {
      const host = '127.0.0.1';
      if (o.dashboard) o.port = await dashboardPort(o.port, host);
      console.log(engineMessage(await initEngine()));
      const { runDir, report } = await runTrain({ arch: o.arch, epochs: o.epochs, logdir: o.logdir, lr: 0.5, earlyStopping: 2 });
      if (report.status !== 'finished' && report.status !== 'stopped-early') return;
      const test = await evaluateRun(runDir);
      console.log(`Test accuracy ${test.accuracy.toFixed(4)} (loss ${test.loss.toFixed(4)}) on ${test.count} held-out images, best weights of epoch ${test.epoch}.`);
      console.log(`TensorBoard files: ${runDir}/events.out.tfevents.*  (tensorboard --logdir ${o.logdir})`);
      if (o.dashboard && (await loadDashboard())) await serveDashboard({ logdir: o.logdir, port: o.port, host });
    });
}
