import * as tf from '@tensorflow/tfjs';

interface BatchNormInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[];
}

/**
 * Kernels a backend may register to run the whole op natively (the torch
 * backend maps them to aten::native_batch_norm and its backward):
 * forward {x, scale, offset, movingMean, movingVariance} with attrs {epsilon, momentum}
 * -> [y, new moving mean, new moving variance, ...saved] (the moving averages
 * updated as tfjs does, from the biased batch variance), gradient
 * {dy, x, scale, ...saved} -> [dx, dScale, dOffset]. Backends without them
 * (wasm, cpu) compose the op from tfjs kernels below.
 */
export const BATCH_NORM_TRAINING_KERNEL = 'CnnlabBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD_KERNEL = 'CnnlabBatchNormTrainingGrad';

interface MovingStats { mean: tf.Tensor; variance: tf.Tensor; momentum: number }

/** The native op; returns y and the updated moving averages (one kernel instead of six tfjs ops per layer). */
function nativeBatchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, moving: MovingStats): { y: tf.Tensor; movingMean: tf.Tensor; movingVariance: tf.Tensor } {
  let updated: [tf.Tensor, tf.Tensor] | undefined;
  const op = tf.customGrad(((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const inputs = { x: input, scale: g, offset: b, movingMean: moving.mean, movingVariance: moving.variance };
    const [y, movingMean, movingVariance, ...saved] = tf.engine().runKernel(BATCH_NORM_TRAINING_KERNEL, inputs, { epsilon, momentum: moving.momentum }) as tf.Tensor[];
    updated = [tf.keep(movingMean!), tf.keep(movingVariance!)];
    save([input, g, ...saved]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, [xs, gs, saveMean, invStd]: tf.Tensor[]) =>
        tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD_KERNEL, { dy, x: xs!, scale: gs!, saveMean: saveMean!, invStd: invStd! }, { epsilon }) as tf.Tensor[],
    };
  }) as never) as (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  const y = op(x, gamma, beta);
  const [movingMean, movingVariance] = updated!;
  return { y, movingMean, movingVariance };
}

/**
 * Batch norm with batch statistics over every axis but the last, as one op
 * with its closed-form gradient:
 *   dβ = Σdy,  dγ = Σ dy·x̂,  dx = γ/σ · (dy − dβ/n − x̂·dγ/n).
 * tfjs differentiates batch norm and the moments that feed it separately —
 * about twice as many passes over the activations — and each pass is a
 * single-threaded elementwise kernel on wasm. Returns the statistics for the
 * moving averages (owned by the caller).
 */
function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const count = x.size / x.shape[x.shape.length - 1]!;
  let stats: [tf.Tensor, tf.Tensor] | undefined;
  const op = tf.customGrad(((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const { mean, variance } = tf.moments(input, axes);
    stats = [tf.keep(mean.clone()), tf.keep(variance.clone())];
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    save([input, mean, invStd, g]);
    return {
      value: tf.batchNorm(input, mean, variance, b, g, epsilon),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, m, s, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const xHat = tf.mul(tf.sub(xs, m), s);
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, xHat), axes);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, count)), tf.mul(xHat, tf.div(dGamma, count)));
        return [tf.mul(centred, tf.mul(gs, s)), dGamma, dBeta];
      },
    };
  }) as never) as (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  const y = op(x, gamma, beta);
  const [mean, variance] = stats!;
  return { y, mean, variance };
}

/**
 * Makes a tfjs-layers BatchNormalization layer (channels last, with γ and β)
 * train through `batchNormTraining`; inference, config, weights and the
 * moving-average updates stay exactly tfjs's.
 */
export function fastTrainingBatchNorm(layer: tf.layers.Layer): void {
  const bn = layer as unknown as BatchNormInternals;
  if (bn.axis !== -1 || !bn.center || !bn.scale) return;
  const stock = bn.call.bind(bn);
  bn.call = (inputs, kwargs) => {
    if (!kwargs?.training) return stock(inputs, kwargs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (tf.getKernel(BATCH_NORM_TRAINING_KERNEL, tf.getBackend())) {
        const moving = { mean: bn.movingMean.read(), variance: bn.movingVariance.read(), momentum: bn.momentum };
        const { y, movingMean, movingVariance } = nativeBatchNormTraining(x, bn.gamma.read(), bn.beta.read(), bn.epsilon, moving);
        bn.movingMean.write(movingMean);
        bn.movingVariance.write(movingVariance);
        tf.dispose([movingMean, movingVariance]);
        return y;
      }
      const { y, mean, variance } = batchNormTraining(x, bn.gamma.read(), bn.beta.read(), bn.epsilon);
      for (const [variable, value] of [[bn.movingMean, mean], [bn.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const current = variable.read();
          variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - bn.momentum)));
        });
      }
      tf.dispose([mean, variance]);
      return y;
    });
  };
}
