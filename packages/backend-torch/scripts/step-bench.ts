// Training-step speed of the torch backend against PyTorch, interleaved in one run
// (the machine is shared: read ratios). Also prints per-kernel profiles, cpu fallbacks and
// native peak memory. Usage:
//   npx tsx --conditions=@cnnlab/source packages/backend-torch/scripts/step-bench.ts [--threads 2] [--steps 5] [--rounds 2] [--profile] [--only a,b] [--batch-div n]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createModel, loadInstalledFamilies, tf } from '@cnnlab/core';
import { registerTorchBackend, resetTorchFallbacks, torchFallbacks } from '../src/index.js';
import { CASES } from '../../../tools/bench/src/cases.js';
import { loadNative } from '../src/native.js';

const { values: o } = parseArgs({ options: {
  threads: { type: 'string', default: '2' }, steps: { type: 'string', default: '5' }, rounds: { type: 'string', default: '2' },
  profile: { type: 'boolean', default: false }, only: { type: 'string' }, 'batch-div': { type: 'string', default: '1' }, 'no-pytorch': { type: 'boolean', default: false },
} });
const threads = Number(o.threads), steps = Number(o.steps), rounds = Number(o.rounds), div = Number(o['batch-div']);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await loadInstalledFamilies();
await registerTorchBackend({ threads });
await tf.setBackend('torch');
const native = loadNative();

const cases = CASES.filter((c) => !o.only || o.only.split(',').includes(c.arch));
for (const c of cases) {
  const batch = Math.max(2, Math.floor(c.batch / div));
  const model = createModel(c.arch, { input: c.input, options: c.options });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const [ch, h, w] = c.input;
  const x = tf.randomNormal([batch, h, w, ch], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), model.outputs[0]!.shape[1] as number);
  const optimizer = tf.train.sgd(0.01); // bench.py: torch.optim.SGD(lr=0.01)
  const train = () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    optimizer.applyGradients(grads);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  train();
  resetTorchFallbacks();
  native.resetPeak();
  const torchRates: number[] = [], pyRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const secs: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      train();
      secs.push((performance.now() - t0) / 1000);
    }
    torchRates.push(batch / median(secs));
    if (!o['no-pytorch']) {
      const out = execFileSync('/usr/bin/python3', ['tools/bench/torch/bench.py', '--model', c.torch, '--input', c.input.join(','), '--batch', String(batch),
        '--threads', String(threads), '--steps', String(steps), '--warmup', '1'], { encoding: 'utf8', cwd: new URL('../../../', import.meta.url).pathname, env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
      pyRates.push((JSON.parse(out.trim().split('\n').pop()!) as { train: number }).train);
    }
  }
  const mem = native.memory();
  const t = median(torchRates), p = pyRates.length ? median(pyRates) : NaN;
  const ratios = pyRates.map((pr, i) => (torchRates[i]! / pr).toFixed(2)).join('/');
  console.log(`${c.arch}@${h} b${batch}: torch ${t.toFixed(1)} img/s, pytorch ${p.toFixed(1)} img/s, ratio ${(t / p).toFixed(2)} (per round ${ratios}); native peak ${(mem.peak / 2 ** 20).toFixed(0)} MiB; tensors ${tf.memory().numTensors}; fallbacks ${JSON.stringify([...torchFallbacks()])}`);
  if (o.profile) {
    const info = await tf.profile(train);
    const by = new Map<string, { ms: number; n: number }>();
    for (const k of info.kernels.filter((k) => !k.name.endsWith('__op') && k.name !== 'unnamed scope')) {
      const e = by.get(k.name) ?? { ms: 0, n: 0 };
      e.ms += k.kernelTimeMs as number;
      e.n++;
      by.set(k.name, e);
    }
    const total = [...by.values()].reduce((a, b) => a + b.ms, 0);
    console.log(`  profile (${total.toFixed(0)} ms in ${[...by.values()].reduce((a, b) => a + b.n, 0)} kernel calls): ${[...by.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([k, e]) => `${k} ${e.ms.toFixed(1)}ms/${e.n}`).join(', ')}`);
  }
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
}
