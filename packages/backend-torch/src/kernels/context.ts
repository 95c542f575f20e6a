import type * as tf from '@tensorflow/tfjs';
import type { Aten } from '../aten.js';
import type { TorchBackend } from '../backend.js';
import type { Handle } from '../native.js';

export interface KernelArgs<A = Record<string, unknown>> {
  inputs: Record<string, tf.TensorInfo | undefined> & tf.TensorInfo[];
  attrs: A;
  backend: TorchBackend;
}

/** What a torch kernel body gets: the ATen caller and helpers to read inputs and make outputs. */
export interface Ctx {
  a: Aten;
  backend: TorchBackend;
  /** The native tensor of an input. */
  h(info: tf.TensorInfo): Handle;
  /** Stores a native tensor as a kernel output. */
  out(handle: Handle, dtype?: tf.DataType): tf.TensorInfo;
  /** The input itself as the output (same data, one more reference), as tfjs's cpu backend does for Identity. */
  share(info: tf.TensorInfo): tf.TensorInfo;
}

export type TorchKernelBody<A = any> = (ctx: Ctx, inputs: any, attrs: A) => tf.TensorInfo | tf.TensorInfo[];

export interface TorchKernelDef {
  name: string;
  body: TorchKernelBody;
}

/** Thrown by a native kernel for a case it does not cover; the kernel then runs on the cpu backend, counted. */
export class NotNative extends Error {}

export function kernel<A = any>(name: string, body: TorchKernelBody<A>): TorchKernelDef {
  return { name, body };
}

/** NHWC (tfjs) <-> NCHW with channels_last strides (ATen): free views. */
export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

export function normAxes(axis: number | number[] | undefined | null, rank: number): number[] {
  const list = axis == null ? [...Array(rank).keys()] : Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((x, y) => x - y);
}
