import { relative, sep } from 'node:path';
import { Command } from 'commander';
import { describeEngine, initEngine, type EngineInfo } from '@cnnlab/core';
import { evaluateRun } from '@cnnlab/trainer';
import { int } from '../parse.js';
import { dashboardPort } from '../port.js';
import { DEFAULT_MAX_HEAP_MB, loadDashboard, serveDashboard } from './dashboard.js';
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

/**
 * Epochs of the quickstart. On torch (about 4 s an epoch) ten epochs show the course's lesson: the first epochs
 * underfit, validation loss reaches its best, then starts to rise. Wasm trains several times slower, so its run
 * is short and says so.
 */
export const QUICKSTART_EPOCHS = { torch: 10, fallback: 3 } as const;
/** Early-stopping patience (the trainer's default): one noisy epoch at lr 0.5 does not end the run, a sustained rise does. */
export const QUICKSTART_PATIENCE = 3;

/** The epochs to train (the user's, else the engine's default) and, for a short fallback run, what it leaves out. */
export function quickstartEpochs(engine: Pick<EngineInfo, 'backend'>, asked?: number): { epochs: number; note?: string } {
  if (asked !== undefined) return { epochs: asked };
  if (engine.backend === 'torch') return { epochs: QUICKSTART_EPOCHS.torch };
  return {
    epochs: QUICKSTART_EPOCHS.fallback,
    note: `A short run of ${QUICKSTART_EPOCHS.fallback} epochs on the ${engine.backend} engine (several times slower than torch): ` +
      `too few to show overfitting. With libtorch installed (cnnlab doctor) the quickstart trains ${QUICKSTART_EPOCHS.torch}; ` +
      `here, npm start -- --epochs ${QUICKSTART_EPOCHS.torch} takes that long.`,
  };
}

/** The dashboard's address showing one run's curves. */
export function curvesUrl(dashboardUrl: string, logdir: string, runDir: string): string {
  const run = relative(logdir, runDir).split(sep).join('/') || '.';
  return `${dashboardUrl.replace(/\/?$/, '/')}#/curves?runs=${encodeURIComponent(run)}`;
}

/** `npm start`: a first run a newcomer can watch — BN-LeNet on Fashion-MNIST, ten epochs on torch. */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description(`Train BN-LeNet on Fashion-MNIST (${QUICKSTART_EPOCHS.torch} epochs on torch, ${QUICKSTART_EPOCHS.fallback} on wasm), test it once, then open the dashboard on its curves (what \`npm start\` runs)`)
    .option('--arch <name>', 'architecture', 'bn-lenet')
    .option('-e, --epochs <n>', `epochs (default ${QUICKSTART_EPOCHS.torch} on torch, ${QUICKSTART_EPOCHS.fallback} on wasm)`, int('--epochs'))
    .option('--logdir <dir>', 'directory for runs', 'runs')
    .option('--port <n>', 'dashboard port', int('--port', { min: 0 }), 6006)
    .option('--no-dashboard', 'do not start the dashboard afterwards')
    .action(async (o: { arch: string; epochs?: number; logdir: string; port: number; dashboard: boolean }) => {
      const host = '127.0.0.1';
      if (o.dashboard) o.port = await dashboardPort(o.port, host);
      const engine = await initEngine();
      console.log(engineMessage(engine));
      const { epochs, note } = quickstartEpochs(engine, o.epochs);
      if (note) console.log(note);
      const { runDir, report } = await runTrain({ arch: o.arch, epochs, logdir: o.logdir, lr: 0.5, earlyStopping: QUICKSTART_PATIENCE });
      if (report.status !== 'finished' && report.status !== 'stopped-early') return;
      const test = await evaluateRun(runDir);
      console.log(`Test accuracy ${test.accuracy.toFixed(4)} (loss ${test.loss.toFixed(4)}) on ${test.count} held-out images, best weights of epoch ${test.epoch}.`);
      console.log(`TensorBoard files: ${runDir}/events.out.tfevents.*  (tensorboard --logdir ${o.logdir})`);
      // Said again at the end, where the verdict (too few epochs to overfit) is read.
      if (note) console.log(note);
      if (o.dashboard && (await loadDashboard())) {
        const served = await serveDashboard({ logdir: o.logdir, port: o.port, host, maxHeap: DEFAULT_MAX_HEAP_MB });
        console.log(`This run's curves: ${curvesUrl(served.url, o.logdir, runDir)}`);
      }
    });
}
