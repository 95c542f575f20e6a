import { describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/index.js';

// Its own file, so it runs in a fresh process whose wasm heap is still small.
describe('wasm training kernels and memory growth', () => {
  it('the input gradient stays correct when its intermediates grow the wasm heap', async () => {
    await initEngine({ backend: 'wasm' });
    const x = tf.randomNormal([48, 40, 40, 16], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 16, 32], 0, 0.1, 'float32', 2) as tf.Tensor4D;
    const grad = (backend: string) => {
      const dx = tf.grad((input: tf.Tensor4D) => tf.sum(tf.conv2d(input, w, 2, 'same')))(x);
      const values = dx.dataSync().slice();
      dx.dispose();
      return { backend, values };
    };
    const wasm = grad('wasm');
    await tf.setBackend('cpu');
    const cpu = grad('cpu');
    await tf.setBackend('wasm');
    let err = 0;
    for (let i = 0; i < cpu.values.length; i++) err = Math.max(err, Math.abs(cpu.values[i]! - wasm.values[i]!));
    expect(err).toBeLessThan(1e-4);
  });
});
