import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { validateBackend } from '@cnnlab/core';
import { consoleReporter, type TrainHooks } from '@cnnlab/trainer';
import {
  describeParams, formatQueueReport, formatSearchModels, formatSearchReport, formatSweepReport, loadSweepSpec, rankTrials, readQueueSnapshot, readSearch, readSweep,
  runDesignSpaceSearch, runSweep, type DesignSpaceSearchOptions, type SearchModel, type TrialRecord,
} from '@cnnlab/search';
import { QueueTrialExecutor, redisUrl, REDIS_URL_ENV } from '@cnnlab/queue';
import { int, num, shape } from '../parse.js';
import { interruptSignal } from './train.js';

/** The trainer's log, without repeating the engine line for every run. */
function quietLog(log: ((m: string) => void) | undefined): (m: string) => void {
  let engineShown = false;
  return (m) => {
    if (m.startsWith('Engine:')) {
      if (engineShown) return;
      engineShown = true;
    }
    log?.(m);
  };
}

/** The trainer's start lines in full for the first run, one line for the next ones. */
function briefStart(onStart: TrainHooks['onStart']): TrainHooks['onStart'] {
  let first = true;
  return (info) => {
    if (first) {
      first = false;
      return onStart?.(info);
    }
    const r = info.resumedFrom;
    console.log(`Run directory ${info.runDir}${r ? `: continuing from ${r.file}, epoch ${r.epoch + 1}, batch ${r.batch + 1}` : ''}`);
  };
}

const queueOption = () => new Option('--queue [url]', `run the study's trials on workers (cnnlab worker) through Redis: redis:// or rediss:// URL (default: ${REDIS_URL_ENV})`);
const logdirOption = () => new Option('--logdir <dir>', 'parent of the default study directory; with --queue, the logdir the workers share (the study directory must be inside it)').default('runs');

/** With --queue, the executor that puts the study's trials in its queue (the URL's password is never printed). */
function queueExecutor(o: { queue?: string | boolean; logdir: string }, dir: string, kind: 'sweep' | 'search'): QueueTrialExecutor | undefined {
  if (o.queue === undefined) return undefined;
  // The global --backend (CNNLAB_BACKEND) travels with each job; without it every worker takes its own fastest engine.
  const backend = process.env.CNNLAB_BACKEND ? validateBackend(process.env.CNNLAB_BACKEND) : undefined;
  const executor = new QueueTrialExecutor({ url: redisUrl(o.queue), logdir: o.logdir, studyDir: dir, kind, ...(backend ? { backend } : {}), log: (m) => console.log(m) });
  console.log(`Trials go to ${executor.describe()}; start workers with: cnnlab worker --queue <url> --logdir ${o.logdir}`);
  return executor;
}

/** Runs a study; then closes its queue connection, taking the study off the workers' list once `done`. */
async function withExecutor<T>(executor: QueueTrialExecutor | undefined, run: () => Promise<T>, done: (result: T) => boolean): Promise<T> {
  let result: T | undefined;
  try {
    result = await run();
    return result;
  } finally {
    await executor?.close(result !== undefined && done(result));
  }
}

/** The queue section of a study's report (when it ran on a queue). */
function printQueue(dir: string): void {
  const snapshot = readQueueSnapshot(dir);
  if (snapshot) console.log(`\n${formatQueueReport(snapshot)}`);
}

function trialEnd(t: TrialRecord): string {
  const metrics = `best val loss ${t.bestValLoss?.toFixed(4) ?? '-'}, acc ${t.bestValAcc?.toFixed(4) ?? '-'} (epoch ${t.bestEpoch ?? '-'})`;
  if (t.status === 'pruned') return `${t.name} pruned after epoch ${t.stopped?.epoch}: ${metrics}. ${t.stopped?.reason ?? ''}`;
  if (t.status === 'failed') return `${t.name} failed: ${t.message ?? ''}`;
  return `${t.name} ${t.status}: ${metrics}`;
}

/** `cnnlab sweep <spec>` (run or continue a sweep) and `cnnlab sweep report <dir>`. */
export function sweepCommand(): Command {
  const report = new Command('report')
    .description('Rank the trials of a sweep by its metric, with their hyper-parameters and metrics, and the chosen configuration')
    .argument('<dir>', 'sweep directory (holding sweep.json)')
    .option('--json', 'print JSON: sweep.json plus the ranking')
    .action((dir: string, o: { json?: boolean }) => {
      const state = readSweep(dir);
      if (o.json) return console.log(JSON.stringify({ ...state, ranking: rankTrials(state).map((t) => t.name) }, null, 2));
      console.log(formatSweepReport(state, dir));
      printQueue(dir);
    });
  return new Command('sweep')
    .description('Hyper-parameter sweep (grid or seeded random, optional median-rule or successive-halving pruning) from a JSON/YAML spec; '
      + 'each trial is a run directory; interrupt-safe: run the same command again to continue')
    .argument('<spec>', 'sweep spec (.json, .yaml or .yml); see the @cnnlab/search README')
    .option('--dir <dir>', 'sweep directory (default <logdir>/sweeps/<spec name>)')
    .addOption(queueOption())
    .addOption(logdirOption())
    .addCommand(report)
    .action(async (specPath: string, o: { dir?: string; queue?: string | boolean; logdir: string }) => {
      const spec = loadSweepSpec(specPath);
      const dir = o.dir ?? join(o.logdir, 'sweeps', spec.name);
      const reporter = consoleReporter();
      const executor = queueExecutor(o, dir, 'sweep');
      const state = await withExecutor(executor, () => runSweep(spec, {
        dir,
        ...(executor ? { executor } : {}),
        signal: interruptSignal().signal,
        hooks: {
          ...reporter,
          log: quietLog(reporter.log),
          onStart: briefStart(reporter.onStart),
          onTrialStart: (t, info) => console.log(`\n== ${t.name} (${t.index + 1}/${info.total}): ${describeParams(t.params)} — ${info.action === 'resume' ? 'resuming' : 'training'} to ${info.epochs} epoch(s)`),
          onTrialEnd: (t) => console.log(trialEnd(t)),
        },
      }), (s) => s.status === 'finished' || s.status === 'failed');
      console.log(`\n${formatSweepReport(state, dir)}`);
      printQueue(dir);
      if (state.status === 'interrupted') console.log(`\nRun the same command again to continue: cnnlab sweep ${specPath}${o.dir ? ` --dir ${o.dir}` : ''}`);
      if (state.status === 'failed') process.exitCode = 1;
    });
}

const list = (name: string, parse: (v: string) => number) => (value: string): number[] => {
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError(`${name} needs a comma-separated list, got "${value}"`);
  return parts.map(parse);
};
const pair = (name: string) => (value: string): [number, number] => {
  const parts = list(name, int(name))(value);
  if (parts.length !== 2) throw new InvalidArgumentError(`${name} must be min,max (e.g. 1,3), got "${value}"`);
  return parts as [number, number];
};

interface SearchCliOptions {
  spaces: string; samples: number; epochs: number; input: [number, number, number]; limit: number; stages: number; stem: number;
  depth?: [number, number]; width?: [number, number]; groupWidths?: number[]; bottleneckRatios?: number[]; widthQuantum?: number;
  batchSize: number; lr: number; optimizer: string; momentum?: number; seed: number; edfStep: number; dir?: string;
  queue?: string | boolean; logdir: string;
}

/** `cnnlab search` (d2l 8.8's design-space comparison by EDFs) and `cnnlab search report <dir>`. */
export function searchCommand(): Command {
  const report = new Command('report')
    .description('Per design space: error statistics, the EDF at a few thresholds, and which space\'s EDF dominates')
    .argument('<dir>', 'search directory (holding search.json)')
    .option('--json', 'print search.json')
    .option('--models', 'also list every sampled model')
    .action((dir: string, o: { json?: boolean; models?: boolean }) => {
      const state = readSearch(dir);
      if (o.json) return console.log(JSON.stringify(state, null, 2));
      console.log(formatSearchReport(state, dir));
      printQueue(dir);
      if (o.models) console.log(`\n${formatSearchModels(state)}`);
    });
  return new Command('search')
    .description('Design-space search (d2l 8.8): sample AnyNet models from each space, train each briefly on Fashion-MNIST, '
      + 'compare the spaces by the EDF of validation error; interrupt-safe: run the same command again to continue')
    .option('--spaces <list>', 'design spaces: AnyNetX_A … AnyNetX_E, unconstrained (=A), constrained (=E)', 'AnyNetX_A,AnyNetX_E')
    .option('-n, --samples <n>', 'models sampled per space', int('--samples'), 8)
    .option('-e, --epochs <n>', 'epochs per model', int('--epochs'), 1)
    .option('--input <c,h,w>', 'model input (reduced)', shape, [1, 28, 28] as [number, number, number])
    .option('--limit <n>', 'images (stratified subset of Fashion-MNIST)', int('--limit', { min: 10 }), 2000)
    .option('--stages <n>', 'stages per network', int('--stages'), 3)
    .option('--stem <n>', 'stem channels', int('--stem'), 16)
    .option('--depth <min,max>', 'blocks per stage (default 1,2)', pair('--depth'))
    .option('--width <min,max>', 'channels per stage (default 16,48)', pair('--width'))
    .option('--width-quantum <n>', 'widths are multiples of this (default 8)', int('--width-quantum'))
    .option('--group-widths <list>', 'group widths to draw from (default 4,8,16)', list('--group-widths', int('--group-widths')))
    .option('--bottleneck-ratios <list>', 'bottleneck ratios to draw from (default 1,0.5,0.25)', list('--bottleneck-ratios', num('--bottleneck-ratios', { min: 0, exclusiveMin: true })))
    .option('-b, --batch-size <n>', 'batch size', int('--batch-size'), 32)
    .option('--lr <x>', 'learning rate', num('--lr', { min: 0, exclusiveMin: true }), 0.05)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam', 'adamw']).default('sgd'))
    .option('--momentum <x>', 'SGD momentum (default 0.9 with sgd)', num('--momentum', { min: 0 }))
    .option('--seed <n>', 'seed of the sampling and the training', int('--seed', { min: 0 }), 0)
    .option('--edf-step <n>', 'EDF grid step in per mille', int('--edf-step'), 10)
    .option('--dir <dir>', 'search directory (default <logdir>/search/<spaces>-seed<seed>)')
    .addOption(queueOption())
    .addOption(logdirOption())
    .addCommand(report)
    .action(async (o: SearchCliOptions) => {
      const spaces = o.spaces.split(',').map((s) => s.trim()).filter(Boolean) as NonNullable<DesignSpaceSearchOptions['spaces']>;
      const dir = o.dir ?? join(o.logdir, 'search', `${spaces.join('-vs-')}-seed${o.seed}`);
      const ranges = {
        ...(o.depth && { depth: o.depth }), ...(o.width && { width: o.width }), ...(o.widthQuantum && { widthQuantum: o.widthQuantum }),
        ...(o.groupWidths && { groupWidth: o.groupWidths }), ...(o.bottleneckRatios && { bottleneckRatio: o.bottleneckRatios }),
      };
      const optimizer = o.optimizer === 'sgd' ? { name: 'sgd' as const, momentum: o.momentum ?? 0.9 } : { name: o.optimizer as 'adam', ...(o.momentum !== undefined && { momentum: o.momentum }) };
      const reporter = consoleReporter();
      const started = Date.now();
      const executor = queueExecutor(o, dir, 'search');
      const state = await withExecutor(executor, () => runDesignSpaceSearch({
        ...(executor ? { executor } : {}),
        dir, spaces, samplesPerSpace: o.samples, epochs: o.epochs, input: o.input, datasetLimit: o.limit, stages: o.stages, stemChannels: o.stem,
        ranges, seed: o.seed, batchSize: o.batchSize, lr: o.lr, optimizer, edfStep: o.edfStep,
        signal: interruptSignal().signal,
        hooks: {
          log: quietLog(reporter.log), onBatch: reporter.onBatch,
          onModelStart: (m: SearchModel, info) => console.log(`${info.action === 'resume' ? 'Resuming' : 'Training'} ${m.runDir} (${info.position + 1}/${info.total}): `
            + `stages ${m.config.stages.map((s) => `(d${s.depth} w${s.width} g${s.groupWidth} b${s.bottleneckRatio})`).join(' ')}`),
          onModelEnd: (m: SearchModel) => console.log(`  ${m.status}: validation error ${m.valError?.toFixed(4) ?? '-'}, ${m.params?.toLocaleString('en-US') ?? '-'} parameters, ${m.macs?.toLocaleString('en-US') ?? '-'} MACs`),
        },
      }), (s) => s.status === 'finished');
      console.log(`\n${formatSearchReport(state, dir)}`);
      printQueue(dir);
      console.log(`\n${state.status === 'finished' ? 'Finished' : 'Stopped'} after ${((Date.now() - started) / 1000).toFixed(0)} s.`);
      if (state.status === 'interrupted') console.log('Run the same command again to continue.');
    });
}
