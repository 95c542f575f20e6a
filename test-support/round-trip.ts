import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, initEngine, loadModel, saveModel, tf, type CreateModelOptions } from '@cnnlab/core';

/**
 * Saves a registered model to a directory, loads it back and returns both
 * models' outputs on the same random batch: they must be identical.
 */
export async function saveLoadOutputs(name: string, o: CreateModelOptions = {}): Promise<{ before: number[]; after: number[] }> {
  await initEngine({ backend: 'wasm' });
  const dir = mkdtempSync(join(tmpdir(), `cnnlab-${name}-`));
  const model = createModel(name, { seed: 3, ...o });
  try {
    const [h, w, c] = model.inputs[0]!.shape.slice(1) as number[];
    const x = tf.randomNormal([2, h!, w!, c!], 0, 1, 'float32', 1);
    const before = Array.from((model.predict(x) as tf.Tensor).dataSync());
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const after = Array.from((loaded.predict(x) as tf.Tensor).dataSync());
    loaded.dispose();
    x.dispose();
    return { before, after };
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
