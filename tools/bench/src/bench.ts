import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import '@cnnlab/arch-lenet';
import '@cnnlab/arch-alexnet';
import '@cnnlab/arch-vgg';
import '@cnnlab/arch-nin';
import '@cnnlab/arch-googlenet';
import '@cnnlab/arch-resnet';
import '@cnnlab/arch-densenet';
import '@cnnlab/arch-regnet';
import { CASES, QUICK_CASES, type BenchCase } from './cases.js';
import { describeEngine, initEngine } from '@cnnlab/core';
import { measure, profileStep, type Measurement } from './measure.js';
import { findTorch, measureTorch, type TorchMeasurement } from './torch.js';
import { measureBaseline } from './baseline.js';
import { formatKernelRow, KERNEL_HEADER, measureCeiling, type KernelRow } from './ceiling.js';

export interface BenchRow {
  arch: string;
  input: string;
  batch: number;
  ours: Measurement;
  /** The same step with only the kernels stock wasm lacks (CNNLAB_WASM_KERNELS=baseline), measured in a child process. */
  baseline?: Measurement;
  cpu?: Measurement;
  torch?: TorchMeasurement;
  /** ours / baseline, training images per second. */
  speedup?: number;
  /** ours / PyTorch, training and inference images per second. */
  trainRatio?: number;
  inferRatio?: number;
}

export interface BenchResult {
  rows: BenchRow[];
  torchVersion: string | null;
  /** Single-kernel GFLOP/s, wasm vs PyTorch: how close to PyTorch the rows can get at best. */
  ceiling?: { threads: number; rows: KernelRow[] };
}

export async function runBench(cases: BenchCase[], o: { steps: number; warmup: number; torch: boolean; cpu: boolean; baseline?: boolean; ceiling?: boolean; log?: (line: string) => void }): Promise<BenchResult> {
  const torch = o.torch ? findTorch() : null;
  if (o.torch && !torch) o.log?.('PyTorch not found (apt-get install python3-torch libopenblas0-pthread): measuring cnnlab only.');
  let ceiling: BenchResult['ceiling'];
  if (o.ceiling) {
    ceiling = await measureCeiling({ torch, reps: Math.max(3, o.steps) });
    o.log?.(`Kernel ceiling, ${ceiling.threads} thread(s): single forward kernels, GFLOP/s`);
    o.log?.(KERNEL_HEADER);
    for (const r of ceiling.rows) o.log?.(formatKernelRow(r));
    o.log?.('');
    o.log?.(HEADER);
  }
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const ours = await measure(c, 'wasm', o);
    const row: BenchRow = { arch: c.arch, input: c.input.join('x'), batch: c.batch, ours };
    if (o.baseline) {
      row.baseline = measureBaseline(c, o);
      row.speedup = ours.trainImagesPerSecond / row.baseline.trainImagesPerSecond;
    }
    if (o.cpu && c.cpu) row.cpu = await measure(c, 'cpu', { steps: 1, warmup: 0 });
    if (torch) {
      row.torch = measureTorch(torch, c, { threads: ours.threads, ...o });
      row.trainRatio = ours.trainImagesPerSecond / row.torch.train;
      row.inferRatio = ours.inferImagesPerSecond / row.torch.infer;
    }
    rows.push(row);
    o.log?.(formatRow(row));
  }
  return { rows, torchVersion: torch?.version ?? null, ...(ceiling && { ceiling }) };
}

const n = (x: number | undefined) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x.toFixed(1));

export function formatRow(r: BenchRow): string {
  return [r.arch.padEnd(14), r.input.padEnd(10), String(r.batch).padStart(5), n(r.baseline?.trainImagesPerSecond).padStart(9),
    n(r.ours.trainImagesPerSecond).padStart(9), (r.speedup?.toFixed(2) ?? '-').padStart(7), n(r.torch?.train).padStart(9),
    (r.trainRatio?.toFixed(2) ?? '-').padStart(6), n(r.ours.inferImagesPerSecond).padStart(9), n(r.torch?.infer).padStart(9), (r.inferRatio?.toFixed(2) ?? '-').padStart(6),
    n(r.cpu?.trainImagesPerSecond).padStart(8), `${(r.ours.peakTensorBytes / 2 ** 20).toFixed(0)} MiB`.padStart(9)].join(' ');
}

export const HEADER = ['model'.padEnd(14), 'input'.padEnd(10), 'batch'.padStart(5), 'base/s'.padStart(9), 'train/s'.padStart(9), 'speedup'.padStart(7),
  'torch/s'.padStart(9), 'ratio'.padStart(6),
  'infer/s'.padStart(9), 'torch/s'.padStart(9), 'ratio'.padStart(6), 'cpu/s'.padStart(8), 'peak mem'.padStart(9)].join(' ');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' }, models: { type: 'string' }, steps: { type: 'string' }, json: { type: 'string' },
      'no-torch': { type: 'boolean' }, 'no-cpu': { type: 'boolean' }, 'no-baseline': { type: 'boolean' }, 'no-ceiling': { type: 'boolean' },
      threads: { type: 'string' }, shapes: { type: 'boolean' }, 'measure-one': { type: 'string' }, profile: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('npm run bench -- [--quick] [--models lenet,resnet18-d2l] [--steps 5] [--threads 2] [--json out.json] [--no-torch] [--no-cpu] [--no-baseline] [--no-ceiling] [--profile resnet18-d2l@28 [--shapes]]');
    return;
  }
  // The engine reads CNNLAB_THREADS; PyTorch is then given the thread count the engine reports.
  if (values.threads !== undefined) process.env.CNNLAB_THREADS = values.threads;
  if (values['measure-one']) {
    // Child-process mode for the baseline: one case, printed as JSON.
    const { c, steps, warmup } = JSON.parse(values['measure-one']) as { c: BenchCase; steps: number; warmup: number };
    console.log(JSON.stringify(await measure(c, 'wasm', { steps, warmup })));
    return;
  }
  if (values.profile) {
    const [arch, size] = values.profile.split('@');
    const c = CASES.find((k) => k.arch === arch && (!size || k.input[1] === Number(size)));
    if (!c) throw new Error(`No benchmark case ${values.profile}; cases: ${CASES.map((k) => `${k.arch}@${k.input[1]}`).join(', ')}`);
    const rows = await profileStep(c, { byShape: values.shapes });
    console.log(`Kernel profile of one training step: ${c.arch} ${c.input.join('x')} batch ${c.batch} on ${describeEngine(await initEngine({ backend: 'wasm' }))}`);
    for (const k of rows.slice(0, values.shapes ? 30 : 20)) console.log(`${k.kernel.padEnd(36)} ${k.ms.toFixed(1).padStart(9)} ms ${(k.share * 100).toFixed(1).padStart(6)}%`);
    return;
  }
  const wanted = values.models?.split(',');
  const cases = (values.quick ? QUICK_CASES : CASES).filter((c) => !wanted || wanted.includes(c.arch));
  const steps = Number(values.steps ?? (values.quick ? 1 : 5));
  const engine = await initEngine({ backend: 'wasm' });
  console.log(`cnnlab benchmark on ${describeEngine(engine)}: training step = forward + backward + SGD update; images/s, median of ${steps} timed steps after warm-up`);
  const ceiling = !values.quick && !values['no-ceiling'];
  if (!ceiling) console.log(HEADER);
  const result = await runBench(cases, { steps, warmup: values.quick ? 1 : 2, torch: !values['no-torch'], cpu: !values['no-cpu'], baseline: !values['no-baseline'], ceiling, log: console.log });
  console.log('base/s: stock wasm as it runs in Node (1 thread) plus only the missing filter-gradient kernels; speedup = train/s ÷ base/s; peak mem: tensor memory during a training step.');
  if (result.torchVersion) console.log(`PyTorch ${result.torchVersion} on the same thread count (${engine.threads}); ratio = cnnlab / PyTorch.`);
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
