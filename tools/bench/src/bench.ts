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
import { describeEngine, initEngine, probeTorchEngine } from '@cnnlab/core';
import { measure, profileReplayedInference, profileReplayedStep, profileStep, type Measurement } from './measure.js';
import { findTorch, measurePeak, measureTorch, trainGflops, type MachinePeak, type TorchMeasurement } from './torch.js';
import { measureBaseline } from './baseline.js';
import { resolveClock, type BenchClock } from './clock.js';
import { formatKernelRow, KERNEL_HEADER, measureCeiling, type KernelRow } from './ceiling.js';

/** The tfjs engines a row can time; PyTorch is measured beside them. */
export type BenchEngine = 'wasm' | 'torch';

export interface BenchRow {
  arch: string;
  input: string;
  batch: number;
  /** Training and inference on each engine asked for (best of the rounds). */
  engines: Partial<Record<BenchEngine, Measurement>>;
  /** The same step with only the kernels stock wasm lacks (CNNLAB_WASM_KERNELS=baseline), measured in a child process. */
  baseline?: Measurement;
  cpu?: Measurement;
  pytorch?: TorchMeasurement;
  /** wasm / baseline, training images per second. */
  speedup?: number;
  /** engine / PyTorch, training and inference images per second, on the same threads. */
  ratios: Partial<Record<BenchEngine, { train: number; infer: number }>>;
}

export interface BenchResult {
  rows: BenchRow[];
  torchVersion: string | null;
  /** Single-kernel GFLOP/s, wasm vs PyTorch: how close to PyTorch the rows can get at best. */
  ceiling?: { threads: number; rows: KernelRow[] };
  /** Peak GFLOP/s of this machine, measured in this run (PyTorch's conv and sgemm); rows' %peak is against its conv. */
  peak?: MachinePeak;
  clock: BenchClock;
}

export interface BenchOptions {
  steps: number;
  warmup: number;
  /** Also time PyTorch (Debian's python3-torch) on the same threads. */
  pytorch: boolean;
  cpu: boolean;
  engines?: BenchEngine[];
  baseline?: boolean;
  ceiling?: boolean;
  /** Times each engine and PyTorch this many times, alternating, and keeps the best: the machine is shared. */
  rounds?: number;
  /** What steps are timed by, on both sides (default wall). */
  clock?: BenchClock;
  log?: (line: string) => void;
}

const best = (a: Measurement | undefined, b: Measurement): Measurement => (!a ? b : {
  ...b,
  trainImagesPerSecond: Math.max(a.trainImagesPerSecond, b.trainImagesPerSecond),
  inferImagesPerSecond: Math.max(a.inferImagesPerSecond, b.inferImagesPerSecond),
  fallbacks: { ...a.fallbacks, ...b.fallbacks },
});

export async function runBench(cases: BenchCase[], opts: BenchOptions): Promise<BenchResult> {
  const o = { ...opts, clock: opts.clock ?? 'wall' as BenchClock };
  const engines = o.engines ?? ['wasm'];
  const torch = o.pytorch ? findTorch() : null;
  if (o.pytorch && !torch) o.log?.('PyTorch not found (apt-get install python3-torch libopenblas0-pthread): measuring cnnlab only.');
  let ceiling: BenchResult['ceiling'];
  if (o.ceiling) {
    ceiling = await measureCeiling({ torch, reps: Math.max(3, o.steps) });
    o.log?.(`Kernel ceiling, ${ceiling.threads} thread(s): single forward kernels, GFLOP/s`);
    o.log?.(KERNEL_HEADER);
    for (const r of ceiling.rows) o.log?.(formatKernelRow(r));
    o.log?.('');
  }
  let peak: MachinePeak | undefined;
  if (torch) {
    peak = measurePeak(torch, (await initEngine({ backend: engines[0]! })).threads);
    o.log?.(`Machine peak in this run (PyTorch): conv 3x3 256→256 @28 batch 32 ${peak.conv.toFixed(0)} GFLOP/s, sgemm 1024³ ${peak.sgemm.toFixed(0)} GFLOP/s`);
  }
  o.log?.(HEADER);
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const row: BenchRow = { arch: c.arch, input: c.input.join('x'), batch: c.batch, engines: {}, ratios: {} };
    for (let round = 0; round < (o.rounds ?? 1); round++) {
      for (const engine of engines) row.engines[engine] = best(row.engines[engine], await measure(c, engine, o));
      if (torch) {
        const m = measureTorch(torch, c, { threads: Object.values(row.engines)[0]!.threads, ...o });
        row.pytorch = row.pytorch ? { ...m, train: Math.max(m.train, row.pytorch.train), infer: Math.max(m.infer, row.pytorch.infer) } : m;
      }
    }
    if (o.baseline && row.engines.wasm) {
      row.baseline = measureBaseline(c, o);
      row.speedup = row.engines.wasm.trainImagesPerSecond / row.baseline.trainImagesPerSecond;
    }
    if (o.cpu && c.cpu) row.cpu = await measure(c, 'cpu', { steps: 1, warmup: 0, clock: o.clock });
    for (const engine of engines) {
      const m = row.engines[engine]!;
      if (row.pytorch) row.ratios[engine] = { train: m.trainImagesPerSecond / row.pytorch.train, infer: m.inferImagesPerSecond / row.pytorch.infer };
    }
    rows.push(row);
    o.log?.(formatRow(row, peak));
  }
  return { rows, torchVersion: torch?.version ?? null, clock: o.clock, ...(ceiling && { ceiling }), ...(peak && { peak }) };
}

const n = (x: number | undefined) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x.toFixed(1));
const r2 = (x: number | undefined) => x?.toFixed(2) ?? '-';

export function formatRow(r: BenchRow, peak?: MachinePeak): string {
  const { wasm, torch } = r.engines;
  const flops = r.pytorch?.flops;
  const engineGflops = flops && (torch ?? wasm) ? trainGflops((torch ?? wasm)!.trainImagesPerSecond, flops) : undefined;
  const fallbacks = torch ? Object.keys(torch.fallbacks ?? {}).length : undefined;
  const mem = (torch ?? wasm)?.peakTensorBytes;
  return [r.arch.padEnd(14), r.input.padEnd(10), String(r.batch).padStart(5),
    n(torch?.trainImagesPerSecond).padStart(9), n(wasm?.trainImagesPerSecond).padStart(9), n(r.pytorch?.train).padStart(9),
    r2(r.ratios.torch?.train).padStart(6), r2(r.ratios.wasm?.train).padStart(6),
    n(torch?.inferImagesPerSecond).padStart(9), n(wasm?.inferImagesPerSecond).padStart(9), n(r.pytorch?.infer).padStart(9),
    r2(r.ratios.torch?.infer).padStart(6), r2(r.ratios.wasm?.infer).padStart(6),
    n(r.baseline?.trainImagesPerSecond).padStart(8), r2(r.speedup).padStart(7), n(r.cpu?.trainImagesPerSecond).padStart(7),
    String(fallbacks ?? '-').padStart(5), (torch?.capture?.state === 'replaying' ? 'replay' : torch ? 'eager' : '-').padStart(6),
    (mem === undefined ? '-' : `${(mem / 2 ** 20).toFixed(0)} MiB`).padStart(9),
    (r.pytorch?.trainFormat === 'channels_last' ? 'cl' : r.pytorch?.trainFormat ?? '-').padStart(4),
    n(engineGflops).padStart(6), n(flops && r.pytorch ? trainGflops(r.pytorch.train, flops) : undefined).padStart(6),
    (engineGflops && peak ? `${(100 * engineGflops / peak.conv).toFixed(0)}%` : '-').padStart(5)].join(' ');
}

export const HEADER = ['model'.padEnd(14), 'input'.padEnd(10), 'batch'.padStart(5),
  'torch/s'.padStart(9), 'wasm/s'.padStart(9), 'pytorch/s'.padStart(9), 't÷pt'.padStart(6), 'w÷pt'.padStart(6),
  'torch inf'.padStart(9), 'wasm inf'.padStart(9), 'pt inf'.padStart(9), 't÷pt'.padStart(6), 'w÷pt'.padStart(6),
  'base/s'.padStart(8), 'speedup'.padStart(7), 'cpu/s'.padStart(7), 'fallb'.padStart(5), 'step'.padStart(6), 'peak mem'.padStart(9),
  'ptfm'.padStart(4), 'GF/s'.padStart(6), 'ptGF/s'.padStart(6), '%peak'.padStart(5)].join(' ');

export const LEGEND = 'torch/s, wasm/s: training images/s on the torch (libtorch) and wasm engines; pytorch/s: PyTorch on the same threads; '
  + 't÷pt, w÷pt: engine ÷ PyTorch; inf: inference images/s; base/s: stock wasm as Node runs it (1 thread) plus only the missing filter-gradient kernels, '
  + 'speedup = wasm/s ÷ base/s; fallb: kernels that ran on the torch engine\'s cpu fallback; step: replay when the torch engine replayed the recorded step natively (step capture), eager when it ran kernel by kernel (a step with dropout draws new masks each time); peak mem: tensor memory of a training step, weights included (torch: its allocator\'s peak, else wasm); '
  + 'pytorch/s is PyTorch at its best: the faster of NCHW and channels_last per network and metric, ptfm = the format that won training (cl = channels_last); '
  + 'GF/s, ptGF/s: training GFLOP/s of the first engine and of PyTorch (3x the forward\'s conv and dense FLOPs per image); %peak: GF/s ÷ the conv peak measured in this run.';

function enginesFrom(value: string | undefined, torchAvailable: boolean, noTorch: boolean): BenchEngine[] {
  if (value === undefined) return noTorch || !torchAvailable ? ['wasm'] : ['torch', 'wasm'];
  const list = value.split(',').map((e) => e.trim());
  for (const e of list) if (e !== 'wasm' && e !== 'torch') throw new Error(`--backend takes wasm and/or torch (comma-separated), got "${e}"`);
  return list as BenchEngine[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' }, models: { type: 'string' }, steps: { type: 'string' }, rounds: { type: 'string' }, json: { type: 'string' },
      backend: { type: 'string' }, 'no-torch': { type: 'boolean' }, 'no-pytorch': { type: 'boolean' },
      'no-cpu': { type: 'boolean' }, 'no-baseline': { type: 'boolean' }, 'no-ceiling': { type: 'boolean' },
      threads: { type: 'string' }, clock: { type: 'string' }, shapes: { type: 'boolean' }, 'measure-one': { type: 'string' }, profile: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('npm run bench -- [--quick] [--models lenet,resnet18-d2l@28] [--backend torch,wasm] [--steps 5] [--rounds 1] [--threads 2] [--clock wall|cpu] [--json out.json] '
      + '[--no-torch] [--no-pytorch] [--no-cpu] [--no-baseline] [--no-ceiling] [--profile resnet18-d2l@28 [--backend torch] [--shapes]]');
    return;
  }
  // The engines read CNNLAB_THREADS; PyTorch is then given the thread count the engine reports.
  if (values.threads !== undefined) process.env.CNNLAB_THREADS = values.threads;
  const clock = resolveClock(values.clock);
  if (values['measure-one']) {
    // Child-process mode for the baseline: one case, printed as JSON.
    const { c, steps, warmup } = JSON.parse(values['measure-one']) as { c: BenchCase; steps: number; warmup: number };
    console.log(JSON.stringify(await measure(c, 'wasm', { steps, warmup, clock })));
    return;
  }
  const torchProbe = await probeTorchEngine();
  const engines = enginesFrom(values.backend, torchProbe.available, Boolean(values['no-torch']));
  if (engines.includes('torch') && !torchProbe.available) throw new Error(`The torch engine cannot load: ${torchProbe.reason}`);
  if (values.profile) {
    const [arch, size] = values.profile.split('@');
    const c = CASES.find((k) => k.arch === arch && (!size || k.input[1] === Number(size)));
    if (!c) throw new Error(`No benchmark case ${values.profile}; cases: ${CASES.map((k) => `${k.arch}@${k.input[1]}`).join(', ')}`);
    const backend = values.backend === undefined ? 'wasm' : engines[0]!;
    const { kernels, calls, fallbacks } = await profileStep(c, { backend, byShape: values.shapes });
    console.log(`Kernel profile of one training step: ${c.arch} ${c.input.join('x')} batch ${c.batch} on ${describeEngine(await initEngine({ backend }))}, ${calls} kernel calls`);
    console.log(`${'kernel'.padEnd(36)} ${'calls'.padStart(6)} ${'ms'.padStart(9)}    share`);
    for (const k of kernels.slice(0, values.shapes ? 30 : 40)) console.log(`${k.kernel.padEnd(36)} ${String(k.calls).padStart(6)} ${k.ms.toFixed(1).padStart(9)} ms ${(k.share * 100).toFixed(1).padStart(6)}%`);
    if (backend === 'torch') {
      const list = Object.entries(fallbacks).sort((a, b) => b[1] - a[1]);
      console.log(list.length ? `Fallbacks (kernel: calls on the cpu fallback in this step): ${list.map(([k, calls]) => `${k}: ${calls}`).join(', ')}` : 'Fallbacks: none (every kernel of the step ran natively)');
      const replayed = await profileReplayedStep(c, { byShape: values.shapes });
      if (!replayed) {
        console.log('The trainer\'s step is not replayed for this model (step capture off); the eager profile above is the step.');
        return;
      }
      console.log(`\nThe trainer's step as the torch engine runs it (step capture: its native calls replayed), ${replayed.calls} ATen calls, `
        + `${replayed.ms.toFixed(1)} ms, mean of ${replayed.replays} replays:`);
      console.log(`${'ATen op'.padEnd(36)} ${'calls'.padStart(6)} ${'ms'.padStart(9)}    share`);
      for (const op of replayed.ops.slice(0, 30)) console.log(`${op.op.padEnd(values.shapes ? 80 : 36)} ${String(op.calls).padStart(6)} ${op.ms.toFixed(2).padStart(9)} ms ${(op.ms / replayed.ms * 100).toFixed(1).padStart(6)}%`);
      const inference = await profileReplayedInference(c, { byShape: values.shapes });
      if (inference) {
        console.log(`\nInference (the evaluation step, replayed), ${inference.calls} ATen calls, ${inference.ms.toFixed(1)} ms, mean of ${inference.replays} replays:`);
        for (const op of inference.ops.slice(0, 20)) console.log(`${op.op.padEnd(values.shapes ? 80 : 36)} ${String(op.calls).padStart(6)} ${op.ms.toFixed(2).padStart(9)} ms ${(op.ms / inference.ms * 100).toFixed(1).padStart(6)}%`);
      }
    }
    return;
  }
  const wanted = values.models?.split(',');
  // A name takes every input size of a model; name@size (resnet18-d2l@28) one of them.
  const cases = (values.quick ? QUICK_CASES : CASES).filter((c) => !wanted || wanted.includes(c.arch) || wanted.includes(`${c.arch}@${c.input[1]}`));
  const steps = Number(values.steps ?? (values.quick ? 1 : 5));
  const infos = [];
  for (const e of engines) infos.push(describeEngine(await initEngine({ backend: e })));
  console.log(`cnnlab benchmark on ${infos.join(' and ')}: training step = forward + backward + SGD update; images/s, median of ${steps} timed steps after warm-up, ${clock === 'cpu' ? 'timed by process CPU time (--clock cpu; both sides, all threads)' : 'timed by wall clock'}`);
  const result = await runBench(cases, {
    steps, warmup: values.quick ? 1 : 2, engines, pytorch: !values['no-torch'] && !values['no-pytorch'], cpu: !values['no-cpu'],
    baseline: !values['no-baseline'], ceiling: !values.quick && !values['no-ceiling'], rounds: Number(values.rounds ?? 1), clock, log: console.log,
  });
  console.log(LEGEND);
  if (result.torchVersion) console.log(`PyTorch ${result.torchVersion} on the same thread count (${result.rows[0]?.pytorch?.threads ?? '-'}).`);
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
