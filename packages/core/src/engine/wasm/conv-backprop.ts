import * as tf from '@tensorflow/tfjs';
import { withContext, type KernelContext, type WasmBackend } from './kernel-context.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface BackpropAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function assertNHWC(kernel: string, dataFormat: string): void {
  if (dataFormat !== 'NHWC') throw new Error(`cnnlab wasm ${kernel} supports only NHWC (channelsLast), got ${dataFormat}`);
}

/**
 * Convolution with per-side padding that may be negative: a negative pad crops
 * the input (wasm's convolution only takes non-negative explicit padding).
 */
function convPadded(
  ctx: KernelContext, x: tf.TensorInfo, filter: tf.TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
  dilations: [number, number] = [1, 1],
): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -pads.top), cropBottom = Math.max(0, -pads.bottom);
  const cropLeft = Math.max(0, -pads.left), cropRight = Math.max(0, -pads.right);
  let input = x;
  if (cropTop || cropBottom || cropLeft || cropRight) {
    input = ctx.run('Slice', { x }, {
      begin: [0, cropTop, cropLeft, 0],
      size: [n!, h! - cropTop - cropBottom, w! - cropLeft - cropRight, c!],
    });
  }
  const pad = [[0, 0], [Math.max(0, pads.top), Math.max(0, pads.bottom)], [Math.max(0, pads.left), Math.max(0, pads.right)], [0, 0]];
  return ctx.run('Conv2D', { x: input, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined });
}

/**
 * dy's [outHeight, outWidth] window as the convolution's geometry defines it.
 * tfjs's cpu kernels read only that window of a larger dy (as conv2dTranspose
 * may pass), so a larger dy is cropped; a smaller one has no defined answer.
 */
function dyWindow(ctx: KernelContext, kernel: string, dy: tf.TensorInfo, outHeight: number, outWidth: number): tf.TensorInfo {
  const [n, ho, wo, co] = dy.shape as [number, number, number, number];
  if (ho === outHeight && wo === outWidth) return dy;
  if (ho < outHeight || wo < outWidth) {
    throw new Error(`cnnlab wasm ${kernel}: dy is ${ho}x${wo} but the convolution's output is ${outHeight}x${outWidth}`);
  }
  return ctx.run('Slice', { x: dy }, { begin: [0, 0, 0, 0], size: [n, outHeight, outWidth, co] });
}

/**
 * dW[kh,kw,c,o] = Σ_{n,i,j} xpad[n, i·s+kh, j·s+kw, c] · dy[n,i,j,o] is itself a
 * convolution: batch ↔ channels swapped, dy as the filter, dilation = the
 * forward stride. It runs on XNNPACK like any forward convolution.
 */
export function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropAttrs & { filterShape: [number, number, number, number] };
  assertNHWC('Conv2DBackpropFilter', attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad as never, attrs.dimRoundingMode);
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const [, h, w] = x.shape as number[];
  const { outHeight: ho, outWidth: wo } = info;
  return withContext(args.backend as WasmBackend, (ctx) => {
    const xT = ctx.run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [C, H, W, N]
    const dyT = ctx.run('Transpose', { x: dyWindow(ctx, 'Conv2DBackpropFilter', dy, ho, wo) }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, Co]
    const grad = convPadded(ctx, xT, dyT, {
      top: padInfo.top,
      bottom: fh + (ho - 1) * sh - h! - padInfo.top,
      left: padInfo.left,
      right: fw + (wo - 1) * sw - w! - padInfo.left,
    }, [sh, sw]); // [C, fh, fw, Co]
    return ctx.keep(ctx.run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] }));
  });
}

/**
 * dx by "phases": for stride s, the input rows with (h + padTop) mod s = r
 * receive gradient only from filter taps r, r+s, r+2s, … — a stride-1
 * convolution of dy with that flipped sub-filter. Each of the s² phase
 * convolutions runs on XNNPACK and is scattered into dx.
 */
export function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropAttrs & { inputShape: [number, number, number, number] };
  assertNHWC('Conv2DBackpropInput', attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad as never, attrs.dimRoundingMode);
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const [n, h, w, c] = attrs.inputShape;
  const { outHeight: ho, outWidth: wo } = info;
  const mh = Math.ceil((h + padInfo.top) / sh);
  const mw = Math.ceil((w + padInfo.left) / sw);
  const backend = args.backend as WasmBackend;
  if (sh === 1 && sw === 1) {
    // One phase: a convolution of dy with the flipped filter, padded so that it yields dx directly.
    return withContext(backend, (ctx) => {
      const flipped = flippedFilter(ctx, filter, 0, 0, 1, 1);
      return ctx.keep(convPadded(ctx, dyWindow(ctx, 'Conv2DBackpropInput', dy, ho, wo), flipped, {
        top: fh - 1 - padInfo.top, bottom: h - ho + padInfo.top, left: fw - 1 - padInfo.left, right: w - wo + padInfo.left,
      }));
    });
  }
  const dx = backend.makeOutput([n, h, w, c], 'float32');
  // Every allocation may grow the wasm memory and detach earlier views of the heap,
  // so views are taken right before each use.
  withContext(backend, (ctx) => {
    const dyIn = dyWindow(ctx, 'Conv2DBackpropInput', dy, ho, wo);
    let skippedPhase = false;
    for (let rh = 0; rh < sh; rh++) {
      for (let rw = 0; rw < sw; rw++) {
        const th = Math.ceil((fh - rh) / sh), tw = Math.ceil((fw - rw) / sw);
        if (th <= 0 || tw <= 0) { skippedPhase = true; continue; }
        const sub = flippedFilter(ctx, filter, rh, rw, sh, sw);
        const phase = convPadded(ctx, dyIn, sub, { top: th - 1, bottom: mh - ho, left: tw - 1, right: mw - wo });
        scatterPhase(ctx.heap(phase), ctx.heap(dx), { n, h, w, c, mh, mw, sh, sw, offH: rh - padInfo.top, offW: rw - padInfo.left });
      }
    }
    if (skippedPhase) fillSkippedPhases(ctx.heap(dx), { n, h, w, c, sh, sw, padTop: padInfo.top, padLeft: padInfo.left, fh, fw });
  });
  return dx;
}

/**
 * The taps r, r+s, r+2s, … of a [fh, fw, cin, cout] filter, flipped in space
 * and with in/out channels swapped: the filter of one phase of dx. Taps are
 * copied as whole [cin, cout] blocks; the channel swap is wasm's Transpose.
 */
function flippedFilter(ctx: KernelContext, filter: tf.TensorInfo, rh: number, rw: number, sh: number, sw: number): tf.TensorInfo {
  const [fh, fw, c, co] = filter.shape as [number, number, number, number];
  const th = Math.ceil((fh - rh) / sh), tw = Math.ceil((fw - rw) / sw);
  const block = c * co;
  const taps = ctx.temp([th, tw, c, co]);
  const tapsHeap = ctx.heap(taps);
  const wHeap = ctx.heap(filter);
  for (let t = 0; t < th; t++) {
    for (let u = 0; u < tw; u++) {
      const src = ((rh + (th - 1 - t) * sh) * fw + rw + (tw - 1 - u) * sw) * block;
      tapsHeap.set(wHeap.subarray(src, src + block), (t * tw + u) * block);
    }
  }
  return ctx.run('Transpose', { x: taps }, { perm: [0, 1, 3, 2] });
}

interface PhaseGeometry { n: number; h: number; w: number; c: number; mh: number; mw: number; sh: number; sw: number; offH: number; offW: number }

/** dx[b, m·sh + offH, q·sw + offW, :] = phase[b, m, q, :] for the rows and columns inside dx. */
function scatterPhase(phase: Float32Array, dx: Float32Array, g: PhaseGeometry): void {
  for (let b = 0; b < g.n; b++) {
    for (let m = 0; m < g.mh; m++) {
      const row = m * g.sh + g.offH;
      if (row < 0 || row >= g.h) continue;
      for (let q = 0; q < g.mw; q++) {
        const col = q * g.sw + g.offW;
        if (col < 0 || col >= g.w) continue;
        const src = ((b * g.mh + m) * g.mw + q) * g.c;
        dx.set(phase.subarray(src, src + g.c), ((b * g.h + row) * g.w + col) * g.c);
      }
    }
  }
}

/** Zeroes the positions of phases no filter tap reaches (e.g. a 1x1 stride-2 shortcut). */
function fillSkippedPhases(dx: Float32Array, g: { n: number; h: number; w: number; c: number; sh: number; sw: number; padTop: number; padLeft: number; fh: number; fw: number }): void {
  for (let b = 0; b < g.n; b++) {
    for (let row = 0; row < g.h; row++) {
      const rh = (row + g.padTop) % g.sh;
      for (let col = 0; col < g.w; col++) {
        const rw = (col + g.padLeft) % g.sw;
        if (rh >= g.fh || rw >= g.fw) {
          const at = ((b * g.h + row) * g.w + col) * g.c;
          dx.fill(0, at, at + g.c);
        }
      }
    }
  }
}

export const convBackpropKernels: tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as tf.KernelFunc },
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInput as tf.KernelFunc },
];
