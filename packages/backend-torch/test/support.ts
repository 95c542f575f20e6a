import * as tf from '@tensorflow/tfjs';
import { probeTorch, registerTorchBackend } from '../src/index.js';

/**
 * The torch backend's tests need the built addon and libtorch. Outside CI they
 * skip with a message saying what to install; in CI (CI=true) they run and fail
 * when it is missing.
 */
export const probe = probeTorch();
export const runTorchTests = probe.available || Boolean(process.env.CI);
if (!runTorchTests) console.warn(`Skipping @cnnlab/backend-torch's tests: ${probe.reason}`);

export async function useBackend(name: 'torch' | 'cpu'): Promise<void> {
  if (name === 'torch') await registerTorchBackend({ threads: 2 });
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
}

export { maxRelError, rand, values } from './tensors.js';
