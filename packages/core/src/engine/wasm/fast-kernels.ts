import * as tf from '@tensorflow/tfjs';
import { withContext, type KernelContext, type WasmBackend } from './kernel-context.js';
import { avgPoolGrad, maxPoolGrad } from './pool-backprop.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap };
type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/**
 * Replacements for stock wasm kernels that are correct but slow in training:
 * each rewrites the call into a shape that the stock kernel runs on XNNPACK,
 * or runs a one-pass loop, and otherwise delegates to it.
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

/**
 * Sum/Mean over leading axes — the per-channel reductions of NHWC activations
 * (batch-norm statistics and gradients, bias gradients). Stock wasm moves the
 * reduced axes innermost with a transpose first; [64,48,48,32] took 28 ms.
 * Seen as [groups, rows, 1, inner], the same reduction is XNNPACK's average
 * pooling with a rows x 1 window, threaded over the groups (1 ms), and the
 * few group means are summed here in float64.
 */
function leadingAxesByPooling(mean: boolean): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
    if (x.dtype !== 'float32' || axes.length === 0 || axes.length >= rank || axes.some((a, i) => a !== i)) return stock(args);
    const reduced = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(axes.length).reduce((a, b) => a * b, 1);
    const groups = axes.length > 1 ? x.shape[0]! : 1;
    const rows = reduced / groups;
    // XNNPACK refuses a 1-element pooling window.
    if (rows < 2) return stock(args);
    return withContext(args.backend as WasmBackend, (ctx) => {
      const view: tf.TensorInfo = { dataId: x.dataId, shape: [groups, rows, 1, inner], dtype: 'float32' };
      const pooled = ctx.heap(ctx.run('AvgPool', { x: view }, { filterSize: [rows, 1], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined }));
      const shape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
      const out = ctx.output(shape);
      const target = ctx.heap(out);
      const scale = mean ? 1 / groups : rows;
      for (let j = 0; j < inner; j++) {
        let total = 0;
        for (let g = 0; g < groups; g++) total += pooled[g * inner + j]!;
        target[j] = total * scale;
      }
      return out;
    });
  };
}

const wrappers: Record<string, (stock: KernelFunc) => KernelFunc> = {
  Sum: leadingAxesByPooling(false),
  Mean: leadingAxesByPooling(true),
  BatchMatMul: batchMatMulTransposeFirst,
  MaxPoolGrad: () => maxPoolGrad,
  AvgPoolGrad: () => avgPoolGrad,
};

/** The replacement configs, each keeping the stock kernel's setup (its wasm function bindings). */
export function fastKernels(): tf.KernelConfig[] {
  return Object.entries(wrappers).map(([name, wrap]) => {
    const stock = tf.getKernel(name, 'wasm');
    if (!stock) throw new Error(`tfjs-backend-wasm has no ${name} kernel to improve`);
    return { ...stock, kernelFunc: wrap(stock.kernelFunc as KernelFunc) as tf.KernelFunc };
  });
}
