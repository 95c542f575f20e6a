import { createModel, initEngine, tf } from '@cnnlab/core';
import '@cnnlab/arch-lenet';
import '@cnnlab/arch-resnet';
await initEngine({ backend: 'wasm' });
async function bench(name: string, input: [number, number, number], batch: number, steps = 5, options = {}) {
  const model = createModel(name, { input, options });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomNormal([batch, input[1], input[2], input[0]]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const opt = tf.train.sgd(0.01);
  const step = () => { const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars); opt.applyGradients(grads); value.dataSync(); tf.dispose([value, ...Object.values(grads)]); };
  step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) { const t = performance.now(); step(); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)]!;
  console.log(name, input.join('x'), 'batch', batch, (batch / med * 1000).toFixed(0), 'img/s');
  if (process.env.PROFILE) {
    const prof = await tf.profile(() => step());
    const byKernel = new Map<string, number>();
    for (const k of prof.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    console.log([...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k}:${v.toFixed(0)}`).join(' '));
  }
  model.dispose();
}
await bench('lenet', [1, 28, 28], 256, 10);
await bench('bn-lenet', [1, 28, 28], 256, 10);
await bench('resnet18-d2l', [1, 28, 28], 64, 3);
