import { Command } from 'commander';
import { createModel, getArchitecture, hasArchitecture, listAliases, listArchitectures, summarize, type ArchitectureSource } from '@cnnlab/core';
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
      const shown = new Set(rows.map((r) => r.name));
      const aliases = listAliases().filter(([, target]) => shown.has(target));
      if (aliases.length) console.log(`\nAliases: ${aliases.map(([alias, target]) => `${alias} = ${target}`).join(', ')}`);
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

/** The d2l (Fashion-MNIST) or torchvision (ImageNet) model of `name`: `vgg11` ↔ `vgg11-d2l`; undefined when there is none. */
export function variantOf(name: string, source: 'd2l' | 'torchvision'): string | undefined {
  const spec = getArchitecture(name);
  if (spec.source === source) return spec.name;
  const candidate = source === 'd2l' ? `${spec.name}-d2l` : spec.name.replace(/-d2l$/, '');
  return hasArchitecture(candidate) && getArchitecture(candidate).source === source ? getArchitecture(candidate).name : undefined;
}

function pickVariants(names: string[], source: 'd2l' | 'torchvision', flag: string): string[] {
  const missing = names.filter((n) => !variantOf(n, source));
  if (missing.length) throw new Error(`${flag}: no ${source === 'd2l' ? 'd2l' : 'torchvision ImageNet'} variant of ${missing.join(', ')}`);
  return names.map((n) => variantOf(n, source)!);
}

const SOURCE_WORDS: Record<ArchitectureSource, string> = { d2l: "d2l's (Fashion-MNIST sizes)", torchvision: "torchvision's ImageNet models (3x224x224, 1000 classes)", cnnlab: "cnnlab's own" };

/** A header line when the rows mix d2l and ImageNet models, naming which is which. */
export function mixedHeader(rows: readonly ComparisonRow[]): string | undefined {
  const bySource = new Map<ArchitectureSource, string[]>();
  for (const r of rows) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r.name]);
  if (bySource.size < 2) return undefined;
  const parts = [...bySource].map(([source, names]) => `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} ${SOURCE_WORDS[source]}`);
  return `Mixed comparison: ${parts.join('; ')}. Use --d2l or --imagenet to compare like with like.`;
}

export function complexityCommand(): Command {
  return new Command('complexity')
    .description('Compare what architectures cost: parameters, dense-layer share, multiply-adds and memory, each at its default input size (d2l models at the course\'s, torchvision\'s at 3x224x224); a mixed comparison says so')
    .argument('[arch...]', 'architectures (default: all registered)')
    .option('--d2l', 'use the d2l variant of every name (vgg11 → vgg11-d2l)')
    .option('--imagenet', 'use the torchvision ImageNet variant of every name (vgg11-d2l → vgg11)')
    .option('--batch-size <n>', 'batch size for activation memory', int('--batch-size'), 1)
    .option('--sort <column>', `sort by ${Object.keys(COLUMNS).join('|')}`, 'params')
    .option('--asc', 'ascending order')
    .option('--json', 'print JSON')
    .action((archs: string[], o: { d2l?: boolean; imagenet?: boolean; batchSize: number; sort: string; asc?: boolean; json?: boolean }) => {
      const key = COLUMNS[o.sort];
      if (!key) throw new Error(`Unknown sort column "${o.sort}": choose ${Object.keys(COLUMNS).join(', ')}`);
      if (o.d2l && o.imagenet) throw new Error('Choose one of --d2l and --imagenet');
      const source = o.d2l ? 'd2l' : o.imagenet ? 'torchvision' : undefined;
      const names = source
        ? [...new Set(pickVariants(archs.length ? archs : listArchitectures({ source }).map((s) => s.name), source, o.d2l ? '--d2l' : '--imagenet'))]
        : archs.length ? archs : undefined;
      const rows = sortRows(compareArchitectures(names, { batchSize: o.batchSize }), key, o.asc ? 'asc' : 'desc');
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      const header = mixedHeader(rows);
      if (header) console.log(`${header}\n`);
      console.log(table(['model', 'input', 'params', 'dense share', 'MACs', 'param memory', `activations (batch ${o.batchSize})`],
        rows.map((r) => [r.name, r.input.join('x'), formatCount(r.trainableParams), `${(r.denseShare * 100).toFixed(1)}%`, formatMacs(r.macs), formatBytes(r.paramBytes), formatBytes(r.activationBytes)]),
        { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'] }));
    });
}
