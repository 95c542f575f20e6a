import { Command } from 'commander';
import { createModel, getArchitecture, listArchitectures, summarize } from '@cnnlab/core';
import { compareArchitectures, formatBytes, formatCount, formatMacs, sortRows, type ComparisonRow } from '@cnnlab/analysis';
import { int, keyValue, shape } from '../parse.js';
import { table, thousands } from '../table.js';

export function listCommand(): Command {
  return new Command('list')
    .description('List the registered architectures (from every installed @cnnlab/arch-* family)')
    .option('--family <name>', 'only this family')
    .option('--search <text>', 'filter by name or description')
    .option('--json', 'print JSON')
    .action((o: { family?: string; search?: string; json?: boolean }) => {
      const specs = listArchitectures({ family: o.family, search: o.search });
      const rows = specs.map((s) => ({ name: s.name, family: s.family, source: s.source, input: s.defaults.input.join('x'), classes: s.defaults.classes, training: s.defaults.training ?? null, description: s.description }));
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      if (!rows.length) return console.log('No architectures match.');
      console.log(table(['name', 'family', 'source', 'input', 'classes', 'd2l lr/batch', 'description'],
        rows.map((r) => [r.name, r.family, r.source, r.input, r.classes, r.training ? `${r.training.lr}/${r.training.batchSize}` : '', r.description])));
    });
}

export function summaryCommand(): Command {
  return new Command('summary')
    .description('Per-layer (or per-block) output shapes, parameters and multiply-adds of an architecture')
    .argument('<arch>', 'registered architecture')
    .option('--input <c,h,w>', 'input shape, e.g. 1,96,96 (default: the architecture\'s)', shape)
    .option('--classes <n>', 'number of classes', int('--classes'))
    .option('--depth <n>', 'group layers by the first n parts of their names (blocks); default: every layer', int('--depth'))
    .option('--option <key=value>', 'architecture option (repeatable)', keyValue)
    .option('--json', 'print JSON')
    .action((arch: string, o: { input?: [number, number, number]; classes?: number; depth?: number; option?: Record<string, unknown>; json?: boolean }) => {
      const model = createModel(arch, { input: o.input, classes: o.classes, options: o.option });
      const s = summarize(model, { depth: o.depth });
      model.dispose();
      if (o.json) return console.log(JSON.stringify(s, null, 2));
      console.log(`${getArchitecture(arch).description}\nInput ${s.input.join('x')}\n`);
      console.log(table(['layer', 'type', 'output', 'params', 'MACs'], s.rows.map((r) => [r.name, r.type, r.outputShape.join('x'), thousands(r.params), thousands(r.macs)])));
      const t = s.totals;
      console.log(`\nparameters ${thousands(t.params)} (trainable ${thousands(t.trainableParams)}, non-trainable ${thousands(t.nonTrainableParams)} = batch-norm running statistics)`);
      console.log(`parameter memory ${formatBytes(t.paramBytes)} (FP32)   multiply-adds ${formatMacs(t.macs)}   dense-layer share ${((t.denseParams / Math.max(1, t.params)) * 100).toFixed(1)}%`);
    });
}

const COLUMNS: Record<string, keyof ComparisonRow> = { name: 'name', params: 'trainableParams', dense: 'denseShare', macs: 'macs', memory: 'paramBytes', activations: 'activationBytes' };

export function complexityCommand(): Command {
  return new Command('complexity')
    .description('Compare what architectures cost: parameters, dense-layer share, multiply-adds and memory at their d2l input size')
    .argument('[arch...]', 'architectures (default: all registered)')
    .option('--batch-size <n>', 'batch size for activation memory', int('--batch-size'), 1)
    .option('--sort <column>', `sort by ${Object.keys(COLUMNS).join('|')}`, 'params')
    .option('--asc', 'ascending order')
    .option('--json', 'print JSON')
    .action((archs: string[], o: { batchSize: number; sort: string; asc?: boolean; json?: boolean }) => {
      const key = COLUMNS[o.sort];
      if (!key) throw new Error(`Unknown sort column "${o.sort}": choose ${Object.keys(COLUMNS).join(', ')}`);
      const rows = sortRows(compareArchitectures(archs.length ? archs : undefined, { batchSize: o.batchSize }), key, o.asc ? 'asc' : 'desc');
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      console.log(table(['model', 'input', 'params', 'dense share', 'MACs', 'param memory', `activations (batch ${o.batchSize})`],
        rows.map((r) => [r.name, r.input.join('x'), formatCount(r.trainableParams), `${(r.denseShare * 100).toFixed(1)}%`, formatMacs(r.macs), formatBytes(r.paramBytes), formatBytes(r.activationBytes)]),
        { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'] }));
    });
}
