import type * as tf from '@tensorflow/tfjs';
import { DTYPE } from '../aten.js';
import type { Handle } from '../native.js';
import { kernel, type Ctx, type TorchKernelDef } from './context.js';

type XY = { a: tf.TensorInfo; b: tf.TensorInfo };

function binary(name: string, op: string, outDtype?: tf.DataType): TorchKernelDef {
  return kernel(name, (c, { a, b }: XY) => c.out(c.a.t(op, c.h(a), c.h(b)), outDtype));
}

function unary(name: string, op: string, ...extra: number[]): TorchKernelDef {
  return kernel(name, (c, { x }: { x: tf.TensorInfo }) => c.out(c.a.t(op, c.h(x), ...extra)));
}

export function castTo(c: Ctx, x: Handle, dtype: tf.DataType): Handle {
  return c.a.t('_to_copy', x, DTYPE[dtype as 'float32' | 'int32' | 'bool']);
}

/** tfjs's fused activations (FusedConv2D, _FusedMatMul). */
export function activate(c: Ctx, y: Handle, activation: string | undefined, prelu?: Handle, leakyAlpha = 0.2): Handle {
  switch (activation ?? 'linear') {
    case 'linear': return y;
    case 'relu': return c.a.t('relu_', y);
    case 'relu6': return c.a.t('hardtanh_', y, 0, 6);
    case 'elu': return c.a.t('elu', y);
    case 'sigmoid': return c.a.t('sigmoid_', y);
    case 'leakyrelu': return c.a.t('leaky_relu', y, leakyAlpha);
    case 'prelu': return c.a.t('where.self', c.a.t('gt.Scalar', y, 0), y, c.a.t('mul.Tensor', y, prelu!));
    default: throw new Error(`torch backend: unknown fused activation ${activation}`);
  }
}

export const elementwiseKernels: TorchKernelDef[] = [
  binary('Add', 'add.Tensor'),
  binary('Sub', 'sub.Tensor'),
  binary('Multiply', 'mul.Tensor'),
  binary('RealDiv', 'div.Tensor'),
  binary('Maximum', 'maximum'),
  binary('Minimum', 'minimum'),
  binary('Pow', 'pow.Tensor_Tensor'),
  binary('Mod', 'remainder.Tensor'),
  binary('Atan2', 'atan2'),
  binary('Equal', 'eq.Tensor', 'bool'),
  binary('NotEqual', 'ne.Tensor', 'bool'),
  binary('Greater', 'gt.Tensor', 'bool'),
  binary('GreaterEqual', 'ge.Tensor', 'bool'),
  binary('Less', 'lt.Tensor', 'bool'),
  binary('LessEqual', 'le.Tensor', 'bool'),
  binary('LogicalAnd', 'logical_and', 'bool'),
  binary('LogicalOr', 'logical_or', 'bool'),
  kernel('FloorDiv', (c, { a, b }: XY) => c.out(c.a.t('div.Tensor_mode', c.h(a), c.h(b), 'floor'))),
  kernel('SquaredDifference', (c, { a, b }: XY) => c.out(c.a.t('square', c.a.t('sub.Tensor', c.h(a), c.h(b))))),
  kernel('AddN', (c, inputs: tf.TensorInfo[]) => {
    const list = Array.from(inputs, (t) => c.h(t));
    return c.out(list.length === 1 ? c.a.t('clone', list[0]!) : c.a.t('sum.dim_IntList', c.a.t('stack', list, 0), [0], false));
  }),
  unary('Abs', 'abs'),
  unary('Acos', 'acos'),
  unary('Asin', 'asin'),
  unary('Atan', 'atan'),
  unary('Ceil', 'ceil'),
  unary('Cos', 'cos'),
  unary('Cosh', 'cosh'),
  unary('Erf', 'erf'),
  unary('Exp', 'exp'),
  unary('Expm1', 'expm1'),
  unary('Floor', 'floor'),
  unary('Log', 'log'),
  unary('Log1p', 'log1p'),
  unary('Neg', 'neg'),
  unary('Reciprocal', 'reciprocal'),
  unary('Relu', 'relu'),
  unary('Round', 'round'),
  unary('Rsqrt', 'rsqrt'),
  unary('Selu', 'selu'),
  unary('Sigmoid', 'sigmoid'),
  unary('Sign', 'sign'),
  unary('Sin', 'sin'),
  unary('Sinh', 'sinh'),
  unary('Sqrt', 'sqrt'),
  unary('Square', 'square'),
  unary('Tan', 'tan'),
  unary('Tanh', 'tanh'),
  unary('Elu', 'elu'),
  unary('Softplus', 'softplus'),
  unary('Relu6', 'hardtanh', 0, 6),
  kernel('EluGrad', (c, { dy, y }) => c.out(c.a.t('elu_backward', c.h(dy), 1, 1, 1, true, c.h(y)))),
  kernel('IsNan', (c, { x }) => c.out(c.a.t('isnan', c.h(x)), 'bool')),
  kernel('IsInf', (c, { x }) => c.out(c.a.t('isinf', c.h(x)), 'bool')),
  kernel('LogicalNot', (c, { x }) => c.out(c.a.t('logical_not', c.h(x)), 'bool')),
  // float32 whatever the input, as tfjs's kernels (ATen has no int leaky_relu).
  kernel('LeakyRelu', (c, { x }, { alpha }: { alpha: number }) =>
    c.out(c.a.t('leaky_relu', x.dtype === 'float32' ? c.h(x) : castTo(c, c.h(x), 'float32'), alpha), 'float32')),
  kernel('Prelu', (c, { x, alpha }) => {
    const xh = c.h(x);
    return c.out(c.a.t('where.self', c.a.t('gt.Scalar', xh, 0), xh, c.a.t('mul.Tensor', xh, c.h(alpha))));
  }),
  kernel('Step', (c, { x }, { alpha }: { alpha: number }) => {
    // tfjs: x > 0 ? 1 : alpha, NaN stays NaN
    const xh = c.h(x);
    const stepped = c.a.t('add.Scalar', c.a.t('mul.Scalar', c.a.t('_to_copy', c.a.t('gt.Scalar', xh, 0), DTYPE.float32), 1 - alpha), alpha);
    return c.out(c.a.t('where.self', c.a.t('isnan', xh), xh, stepped));
  }),
  kernel('ClipByValue', (c, { x }, { clipValueMin, clipValueMax }: { clipValueMin: number; clipValueMax: number }) =>
    c.out(c.a.t('clamp', c.h(x), clipValueMin, clipValueMax))),
  kernel('Cast', (c, { x }, { dtype }: { dtype: tf.DataType }) => {
    if (x.dtype === dtype) return c.share(x);
    return c.out(castTo(c, c.h(x), dtype), dtype);
  }),
  kernel('Select', (c, { condition, t, e }) => c.out(c.a.t('where.self', c.h(condition), c.h(t), c.h(e)))),
  kernel('ZerosLike', (c, { x }) => c.out(c.a.t('zeros_like', c.h(x)), x.dtype)),
  kernel('OnesLike', (c, { x }) => c.out(c.a.t('ones_like', c.h(x)), x.dtype)),
  kernel('Fill', (c, _inputs, { shape, value, dtype }: { shape: number[]; value: number; dtype: tf.DataType }) =>
    c.out(c.a.t('full', shape, dtype === 'bool' ? Boolean(value) : value, DTYPE[(dtype ?? 'float32') as 'float32'], null, c.a.device), dtype)),
  kernel('Range', (c, _inputs, { start, stop, step, dtype }: { start: number; stop: number; step: number; dtype: 'float32' | 'int32' }) => {
    const n = Math.max(0, Math.ceil((stop - start) / step));
    // start + i*step in float64 like tfjs's loop, not ATen's float32 accumulation
    const values = dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => start + i * step) : Float32Array.from({ length: n }, (_, i) => start + i * step);
    return c.out(c.backend.native.fromBuffer(values, [n], dtype), dtype);
  }),
];
