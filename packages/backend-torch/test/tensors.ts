// Deterministic test tensors and the error measure the torch tests compare with;
// free of the addon, so the device kit's parity script can bundle them.
import * as tf from '@tensorflow/tfjs';

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
