import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { consoleReporter, type TrainHooks } from '@cnnlab/trainer';
import {
  describeParams, formatSearchModels, formatSearchReport, formatSweepReport, loadSweepSpec, rankTrials, readSearch, readSweep,
  runDesignSpaceSearch, runSweep, type DesignSpaceSearchOptions, type SearchModel, type TrialRecord,
} from '@cnnlab/search';
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
    });
  return new Command('sweep')
    .description('Hyper-parameter sweep (grid or seeded random, optional median-rule or successive-halving pruning) from a JSON/YAML spec; '
      + 'each trial is a run directory; interrupt-safe: run the same command again to continue')
    .argument('<spec>', 'sweep spec (.json, .yaml or .yml); see the @cnnlab/search README')
    .option('--dir <dir>', 'sweep directory (default runs/sweeps/<spec name>)')
    .addCommand(report)
    .action(async (specPath: string, o: { dir?: string }) => {
      const spec = loadSweepSpec(specPath);
      const dir = o.dir ?? join('runs', 'sweeps', spec.name);
      const reporter = consoleReporter();
      const state = await runSweep(spec, {
        dir,
        signal: interruptSignal().signal,
        hooks: {
          ...reporter,
          log: quietLog(reporter.log),
          onStart: briefStart(reporter.onStart),
          onTrialStart: (t, info) => console.log(`\n== ${t.name} (${t.index + 1}/${info.total}): ${describeParams(t.params)} — ${info.action === 'resume' ? 'resuming' : 'training'} to ${info.epochs} epoch(s)`),
          onTrialEnd: (t) => console.log(trialEnd(t)),
        },
      });
      console.log(`\n${formatSweepReport(state, dir)}`);
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
    .option('--dir <dir>', 'search directory (default runs/search/<spaces>-seed<seed>)')
    .addCommand(report)
    .action(async (o: SearchCliOptions) => {
      const spaces = o.spaces.split(',').map((s) => s.trim()).filter(Boolean) as NonNullable<DesignSpaceSearchOptions['spaces']>;
      const dir = o.dir ?? join('runs', 'search', `${spaces.join('-vs-')}-seed${o.seed}`);
      const ranges = {
        ...(o.depth && { depth: o.depth }), ...(o.width && { width: o.width }), ...(o.widthQuantum && { widthQuantum: o.widthQuantum }),
        ...(o.groupWidths && { groupWidth: o.groupWidths }), ...(o.bottleneckRatios && { bottleneckRatio: o.bottleneckRatios }),
      };
      const optimizer = o.optimizer === 'sgd' ? { name: 'sgd' as const, momentum: o.momentum ?? 0.9 } : { name: o.optimizer as 'adam', ...(o.momentum !== undefined && { momentum: o.momentum }) };
      const reporter = consoleReporter();
      const started = Date.now();
      const state = await runDesignSpaceSearch({
        dir, spaces, samplesPerSpace: o.samples, epochs: o.epochs, input: o.input, datasetLimit: o.limit, stages: o.stages, stemChannels: o.stem,
        ranges, seed: o.seed, batchSize: o.batchSize, lr: o.lr, optimizer, edfStep: o.edfStep,
        signal: interruptSignal().signal,
        hooks: {
          log: quietLog(reporter.log), onBatch: reporter.onBatch,
          onModelStart: (m: SearchModel, info) => console.log(`${info.action === 'resume' ? 'Resuming' : 'Training'} ${m.runDir} (${info.position + 1}/${info.total}): `
            + `stages ${m.config.stages.map((s) => `(d${s.depth} w${s.width} g${s.groupWidth} b${s.bottleneckRatio})`).join(' ')}`),
          onModelEnd: (m: SearchModel) => console.log(`  ${m.status}: validation error ${m.valError?.toFixed(4) ?? '-'}, ${m.params?.toLocaleString('en-US') ?? '-'} parameters, ${m.macs?.toLocaleString('en-US') ?? '-'} MACs`),
        },
      });
      console.log(`\n${formatSearchReport(state, dir)}`);
      console.log(`\n${state.status === 'finished' ? 'Finished' : 'Stopped'} after ${((Date.now() - started) / 1000).toFixed(0)} s.`);
      if (state.status === 'interrupted') console.log('Run the same command again to continue.');
    });
}
