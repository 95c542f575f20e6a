import * as tf from '@tensorflow/tfjs';
import { RELU_GRAD, SIGMOID_GRAD, SOFTMAX_GRAD, TANH_GRAD } from './kernels/nn.js';

type GradFunc = tf.GradConfig['gradFunc'];

/**
 * One-pass activation gradients on torch (ATen's threshold_backward etc.)
 * instead of tfjs's 2–4 elementwise kernels. Other backends keep the stock
 * gradient: the override calls it unless the active backend has the kernel.
 */
function overrideOnTorch(kernelName: string, torchGrad: GradFunc, customKernel: string): void {
  const stock = tf.getGradient(kernelName);
  if (!stock) return;
  tf.registerGradient({
    ...stock,
    gradFunc: (dy, saved, attrs) => (tf.getKernel(customKernel, tf.getBackend()) ? torchGrad(dy, saved, attrs) : stock.gradFunc(dy, saved, attrs)),
  });
}

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: object = {}) =>
  tf.engine().runKernel(name, inputs as never, attrs as never) as tf.Tensor;

let registered = false;

export function registerTorchGradients(): void {
  if (registered) return;
  registered = true;
  overrideOnTorch('Relu', (dy, [x]) => ({ x: () => run(RELU_GRAD, { dy: dy as tf.Tensor, x: x! }) }), RELU_GRAD);
  overrideOnTorch('Sigmoid', (dy, [y]) => ({ x: () => run(SIGMOID_GRAD, { dy: dy as tf.Tensor, y: y! }) }), SIGMOID_GRAD);
  overrideOnTorch('Tanh', (dy, [y]) => ({ x: () => run(TANH_GRAD, { dy: dy as tf.Tensor, y: y! }) }), TANH_GRAD);
  overrideOnTorch('Softmax', (dy, [y], attrs) => ({ logits: () => run(SOFTMAX_GRAD, { dy: dy as tf.Tensor, y: y! }, { dim: (attrs as { dim: number }).dim }) }), SOFTMAX_GRAD);
}
