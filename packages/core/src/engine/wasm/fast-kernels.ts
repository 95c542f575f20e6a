import * as tf from '@tensorflow/tfjs';
import { withContext, type KernelContext, type WasmBackend } from './kernel-context.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap };
type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/**
 * Replacements for stock wasm kernels that are correct but slow in training
 * (measured in a ResNet-18 step): each rewrites the call into a shape that
 * the stock kernel runs on XNNPACK, and otherwise delegates to it.
 */

function swapLastTwo(ctx: KernelContext, t: tf.TensorInfo): tf.TensorInfo {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return ctx.run('Transpose', { x: t }, { perm });
}

/** BatchMatMul with transposeA/B (every dense-layer gradient) takes a naive loop; transposing first takes XNNPACK. */
function batchMatMulTransposeFirst(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stock(args);
    return withContext(args.backend as WasmBackend, (ctx) => stock({
      ...args,
      inputs: { a: transposeA ? swapLastTwo(ctx, a) : a, b: transposeB ? swapLastTwo(ctx, b) : b },
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }));
  };
}

/** Axes [0..k) of a rank-n tensor with k < n: a reduction over leading axes, e.g. batch norm's [0, 1, 2]. */
function leadingAxes(axis: number | number[], rank: number): number | null {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((x, y) => x - y);
  if (axes.length === 0 || axes.length >= rank || axes.some((a, i) => a !== i)) return null;
  return axes.length;
}

/**
 * Sum over leading axes (batch norm's [0, 1, 2]) makes the stock kernel
 * transpose the whole input first; a single pass over the heap, accumulating
 * each channel in double precision, reads it once and in order.
 */
function reduceLeading(stock: KernelFunc, mean: boolean): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const k = leadingAxes(axis, x.shape.length);
    if (k === null || x.dtype !== 'float32') return stock(args);
    const m = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const c = x.shape.slice(k).reduce((a, b) => a * b, 1);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k), 'float32');
    const sums = new Float64Array(c);
    const values = backend.typedArrayFromHeap(x);
    for (let row = 0; row < m; row++) {
      const at = row * c;
      for (let j = 0; j < c; j++) sums[j] += values[at + j]!;
    }
    const target = backend.typedArrayFromHeap(out);
    for (let j = 0; j < c; j++) target[j] = mean ? sums[j]! / m : sums[j]!;
    return out;
  };
}

const wrappers: Record<string, (stock: KernelFunc) => KernelFunc> = {
  BatchMatMul: batchMatMulTransposeFirst,
  Sum: (stock) => reduceLeading(stock, false),
  Mean: (stock) => reduceLeading(stock, true),
};

/** The replacement configs, each keeping the stock kernel's setup (its wasm function bindings). */
export function fastKernels(): tf.KernelConfig[] {
  return Object.entries(wrappers).map(([name, wrap]) => {
    const stock = tf.getKernel(name, 'wasm');
    if (!stock) throw new Error(`tfjs-backend-wasm has no ${name} kernel to improve`);
    return { ...stock, kernelFunc: wrap(stock.kernelFunc as KernelFunc) as tf.KernelFunc };
  });
}
