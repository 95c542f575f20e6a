import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './kernel-context.js';

interface DepthwiseAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap };

/**
 * Depthwise convolution has no XNNPACK backward pass in tfjs-backend-wasm; these
 * loops run over the wasm heap in NHWC order with channels innermost. The
 * course's networks use grouped convolution by split/conv/concat instead, so
 * these serve users who build depthwise layers themselves.
 */
function geometry(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs) {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad as never, attrs.dimRoundingMode, true);
  return { ...info, chMul: info.outChannels / info.inChannels };
}

/**
 * Calls `visit(xOffset, dyOffset, filterOffset)` for every (input pixel, output pixel, tap) triple the forward pass multiplies.
 * Only the geometry's [outHeight, outWidth] window of dy is read, as tfjs's cpu kernels do; dy may be larger.
 */
function forEachTap(g: ReturnType<typeof geometry>, dyShape: number[], visit: (xAt: number, dyAt: number, wAt: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = g;
  const [, dyHeight, dyWidth] = dyShape as [number, number, number];
  if (dyHeight < outHeight || dyWidth < outWidth) {
    throw new Error(`cnnlab wasm depthwise backprop: dy is ${dyHeight}x${dyWidth} but the convolution's output is ${outHeight}x${outWidth}`);
  }
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyAt = ((b * dyHeight + yR) * dyWidth + yC) * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * g.strideHeight + wR * g.dilationHeight - g.padInfo.top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * g.strideWidth + wC * g.dilationWidth - g.padInfo.left;
            if (xC < 0 || xC >= inWidth) continue;
            visit(((b * inHeight + xR) * inWidth + xC) * inChannels, dyAt, (wR * filterWidth + wC) * outChannels);
          }
        }
      }
    }
  }
}

export function depthwiseBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const backend = args.backend as WasmBackend;
  const g = geometry(x.shape, attrs.filterShape, attrs);
  const dW = backend.makeOutput(attrs.filterShape, 'float32');
  const dWv = backend.typedArrayFromHeap(dW).fill(0);
  const xv = backend.typedArrayFromHeap(x), dyv = backend.typedArrayFromHeap(dy);
  const { inChannels, chMul } = g;
  forEachTap(g, dy.shape, (xAt, dyAt, wAt) => {
    for (let d1 = 0; d1 < inChannels; d1++) {
      const xVal = xv[xAt + d1]!;
      for (let m = 0; m < chMul; m++) dWv[wAt + d1 * chMul + m] += xVal * dyv[dyAt + d1 * chMul + m]!;
    }
  });
  return dW;
}

export function depthwiseBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const backend = args.backend as WasmBackend;
  const g = geometry(attrs.inputShape, filter.shape, attrs);
  const dx = backend.makeOutput(attrs.inputShape, 'float32');
  const dxv = backend.typedArrayFromHeap(dx).fill(0);
  const wv = backend.typedArrayFromHeap(filter), dyv = backend.typedArrayFromHeap(dy);
  const { inChannels, chMul } = g;
  forEachTap(g, dy.shape, (xAt, dyAt, wAt) => {
    for (let d1 = 0; d1 < inChannels; d1++) {
      let sum = 0;
      for (let m = 0; m < chMul; m++) sum += dyv[dyAt + d1 * chMul + m]! * wv[wAt + d1 * chMul + m]!;
      dxv[xAt + d1] += sum;
    }
  });
  return dx;
}

export const depthwiseBackpropKernels: tf.KernelConfig[] = [
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilter as tf.KernelFunc },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInput as tf.KernelFunc },
];
