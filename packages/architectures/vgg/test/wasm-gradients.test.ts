import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, initEngine, tf } from '@cnnlab/core';
import '../src/index.js';

/** Images like Fashion-MNIST at the model's size: mostly exact zeros (background), smooth strokes. */
function strokeImages(n: number, side: number): Float32Array {
  return Float32Array.from({ length: n * side * side }, (_, i) => {
    const b = Math.floor(i / (side * side)), r = Math.floor(i / side) % side, c = i % side;
    const v = Math.sin((r + 3 * b) * 0.21) * Math.cos((c - 2 * b) * 0.17);
    return v > 0.2 ? v : 0;
  });
}

/** Every trainable variable's gradient of the mean cross-entropy, in the model's variable order, on one backend. */
async function gradients(backend: string, side: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  // vgg11-d2l's geometry (five 2x2 pools: 96 → 3) with narrow layers, so that the cpu backend is quick
  const model = createModel('vgg11-d2l', { input: [1, side, side], options: { widthDivisor: 16, hidden: 256, dropout: 0 }, seed: 3 });
  const batch = 4;
  const x = tf.tensor4d(strokeImages(batch, side), [batch, side, side, 1]);
  const y = tf.oneHot(tf.tensor1d([1, 4, 7, 9], 'int32'), 10);
  const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  const out = model.trainableWeights.map((v) => grads[v.val.name]!.dataSync() as Float32Array);
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

/** ‖a − b‖ / ‖a‖ per variable. */
const relativeErrors = (a: Float32Array[], b: Float32Array[]) => a.map((g, k) => {
  let num = 0, den = 0;
  g.forEach((v, i) => { num += (v - b[k]![i]!) ** 2; den += v * v; });
  return Math.sqrt(num / den);
});

describe('whole-model gradients on wasm match the cpu backend', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
  });

  it.each([32, 96])('vgg11-d2l geometry at %ipx, batch 4, dropout off: every variable within 1e-4 relative', async (side) => {
    const cpu = await gradients('cpu', side);
    const wasm = await gradients('wasm', side);
    await tf.setBackend('wasm');
    const errors = relativeErrors(cpu, wasm);
    console.log(`${side}px: worst variable ${Math.max(...errors).toExponential(2)} relative`);
    expect(errors).toHaveLength(22);
    for (const e of errors) expect(e).toBeLessThan(1e-4);
  }, 120_000);
});
