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

/** Deterministic values in [-1, 1) (a small LCG), so both backends get identical inputs. */
export function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function rand(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** Largest |a−b| / max(1, |b|) over all values (b is the reference). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    if (Number.isNaN(d) ? !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!)) : d > worst) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}
