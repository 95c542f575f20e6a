// Trains a small conv net for two SGD steps on the engine CNNLAB_THREADS selects
// and prints the engine and a checksum of the weights. It must exit by itself:
// the wasm thread pool may not keep Node alive.
import { createHash } from 'node:crypto';
import { batchNorm, conv, dense, describeEngine, flatten, imageInput, initEngine, maxPool, relu, tf, withBuildContext } from '../../src/index.js';

const engine = await initEngine({ backend: 'wasm' });
const model = withBuildContext(0, () => {
  const input = imageInput([1, 16, 16]);
  let x = maxPool(relu(batchNorm(conv(input, { filters: 8, kernel: 3, padding: 1 }))), { size: 2, stride: 2 });
  x = relu(conv(x, { filters: 16, kernel: 3, stride: 2, padding: 1 }));
  return tf.model({ inputs: input, outputs: dense(flatten(x), 10) });
});
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const x = tf.randomNormal([32, 16, 16, 1], 0, 1, 'float32', 7);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32'), 10);
const optimizer = tf.train.sgd(0.1);
for (let step = 0; step < 2; step++) {
  optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, false, vars);
}
const hash = createHash('sha256');
for (const v of vars) hash.update(new Uint8Array((v.dataSync() as Float32Array).slice().buffer));
console.log(JSON.stringify({ engine: describeEngine(engine), threads: engine.threads, note: engine.threadsNote ?? null, weights: hash.digest('hex') }));
