import * as tf from '@tensorflow/tfjs';
import { withContext, type KernelContext, type WasmBackend } from './kernel-context.js';
import { avgPoolGrad, maxPoolGrad } from './pool-backprop.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap };
type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/**
 * Replacements for stock wasm kernels that are correct but slow in training:
 * each rewrites the call into a shape that the stock kernel runs on XNNPACK,
 * or runs a one-pass loop, and otherwise delegates to it. (Sum/Mean over batch
 * norm's leading axes were measured too, twice: a one-pass float64 loop was 3x
 * faster alone but no faster inside a RegNet step, so it is not kept.)
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

const wrappers: Record<string, (stock: KernelFunc) => KernelFunc> = {
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
