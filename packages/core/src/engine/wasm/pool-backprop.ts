import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './kernel-context.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap };

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function poolInfo(input: tf.TensorInfo, attrs: PoolAttrs) {
  return tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

/**
 * The average-pooling gradient: each window's dy, divided by the window size
 * (as tfjs divides), added to every input pixel of the window. Stock wasm's
 * loop made it a fifth of a LeNet step.
 */
export function avgPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const backend = args.backend as WasmBackend;
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } =
    poolInfo(input, args.attrs as unknown as PoolAttrs);
  const scale = 1 / (filterHeight * filterWidth);
  const dx = backend.makeOutput(input.shape, 'float32');
  const dxv = backend.typedArrayFromHeap(dx).fill(0);
  const dyv = backend.typedArrayFromHeap(dy);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = Math.max(0, yR * strideHeight - padInfo.top), r1 = Math.min(inHeight, yR * strideHeight - padInfo.top + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const c0 = Math.max(0, yC * strideWidth - padInfo.left), c1 = Math.min(inWidth, yC * strideWidth - padInfo.left + filterWidth);
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * c;
        for (let xR = r0; xR < r1; xR++) {
          for (let xC = c0; xC < c1; xC++) {
            const base = ((b * inHeight + xR) * inWidth + xC) * c;
            for (let d = 0; d < c; d++) dxv[base + d] += dyv[dyBase + d]! * scale;
          }
        }
      }
    }
  }
  return dx;
}

/**
 * The max-pooling gradient: each window's dy goes to the input pixel that won
 * the window's max, the first one in row-major order on ties (as tfjs's cpu
 * backend and PyTorch pick it; ties are common after ReLU). Stock wasm's loop
 * took 100+ ms for one [32,6,6,512] 3x3 pool; this one scans each window once
 * with channels innermost, in NHWC order.
 */
export function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const backend = args.backend as WasmBackend;
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } =
    poolInfo(input, args.attrs as unknown as PoolAttrs);
  const dx = backend.makeOutput(input.shape, 'float32');
  const dxv = backend.typedArrayFromHeap(dx).fill(0);
  const xv = backend.typedArrayFromHeap(input), dyv = backend.typedArrayFromHeap(dy);
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = Math.max(0, yR * strideHeight - padInfo.top), r1 = Math.min(inHeight, yR * strideHeight - padInfo.top + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const c0 = Math.max(0, yC * strideWidth - padInfo.left), c1 = Math.min(inWidth, yC * strideWidth - padInfo.left + filterWidth);
        best.fill(-Infinity);
        at.fill(-1);
        for (let xR = r0; xR < r1; xR++) {
          for (let xC = c0; xC < c1; xC++) {
            const base = ((b * inHeight + xR) * inWidth + xC) * c;
            for (let d = 0; d < c; d++) {
              const v = xv[base + d]!;
              if (v > best[d]!) { best[d] = v; at[d] = base + d; }
            }
          }
        }
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * c;
        for (let d = 0; d < c; d++) {
          const i = at[d]!;
          if (i >= 0) dxv[i] += dyv[dyBase + d]!;
        }
      }
    }
  }
  return dx;
}
