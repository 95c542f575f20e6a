import { tf } from '@cnnlab/core';

export type OptimizerName = 'sgd' | 'adam' | 'adamw';

export interface OptimizerConfig {
  name: OptimizerName;
  /** SGD momentum (PyTorch semantics: buf = μ·buf + g). */
  momentum: number;
  nesterov: boolean;
  /** L2 penalty added to the gradient (SGD, Adam) or decoupled decay (AdamW). */
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * A kernel a backend may register to run a whole SGD step natively (torch: ATen's `_foreach_*` ops):
 * inputs [...weights, ...gradients, ...momentum buffers], attrs {count, lr, momentum, nesterov, weightDecay,
 * firstStep}, outputs [...new weights, ...new buffers], with the update rule below.
 */
export const SGD_STEP_KERNEL = 'CnnlabSgdStep';

export const DEFAULT_OPTIMIZER: OptimizerConfig = { name: 'sgd', momentum: 0, nesterov: false, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Optimizer state as plain arrays, for checkpoints. */
export interface OptimizerState {
  step: number;
  /** Per trainable variable (in model order), its slot tensors' values. */
  slots: { shape: number[]; values: Float32Array[] }[];
}

/**
 * SGD, Adam and AdamW with PyTorch's update rules, written against tfjs ops
 * so that their whole state can be checkpointed and restored exactly (tfjs's
 * optimizers do not expose the SGD momentum buffers' first-step semantics or
 * decoupled weight decay).
 */
export class Optimizer {
  private step = 0;
  private slots: tf.Variable[][];

  constructor(readonly config: OptimizerConfig, private readonly variables: tf.Variable[]) {
    const count = config.name === 'sgd' ? (config.momentum > 0 ? 1 : 0) : 2;
    this.slots = variables.map((v) => Array.from({ length: count }, () => tf.variable(tf.zerosLike(v), false)));
  }

  /** Applies one update with learning rate `lr`; consumes (disposes) the gradients. */
  apply(grads: tf.Tensor[], lr: number): void {
    const c = this.config;
    this.step += 1;
    if (c.name === 'sgd' && tf.getKernel(SGD_STEP_KERNEL, tf.getBackend())) {
      this.fusedSgd(grads, lr);
      tf.dispose(grads);
      return;
    }
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        let g = grads[i]!;
        const slots = this.slots[i]!;
        if (c.name === 'sgd') {
          if (c.weightDecay) g = tf.add(g, tf.mul(w, c.weightDecay));
          if (c.momentum > 0) {
            const buf = this.step === 1 ? g : tf.add(tf.mul(slots[0]!, c.momentum), g);
            slots[0]!.assign(buf);
            g = c.nesterov ? tf.add(g, tf.mul(buf, c.momentum)) : buf;
          }
          w.assign(tf.sub(w, tf.mul(g, lr)));
          return;
        }
        if (c.name === 'adamw' && c.weightDecay) w.assign(tf.mul(w, 1 - lr * c.weightDecay));
        if (c.name === 'adam' && c.weightDecay) g = tf.add(g, tf.mul(w, c.weightDecay));
        const m = tf.add(tf.mul(slots[0]!, c.beta1), tf.mul(g, 1 - c.beta1));
        const v = tf.add(tf.mul(slots[1]!, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
        slots[0]!.assign(m);
        slots[1]!.assign(v);
        const mHat = tf.div(m, 1 - c.beta1 ** this.step);
        const vHat = tf.div(v, 1 - c.beta2 ** this.step);
        w.assign(tf.sub(w, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.epsilon)), lr)));
      });
    });
    tf.dispose(grads);
  }

  /** The same SGD update as one kernel for all variables, on a backend that has it (torch). */
  private fusedSgd(grads: tf.Tensor[], lr: number): void {
    const c = this.config;
    const buffers = c.momentum > 0 ? this.slots.map((s) => s[0]!) : [];
    const attrs = { count: this.variables.length, lr, momentum: c.momentum, nesterov: c.nesterov, weightDecay: c.weightDecay, firstStep: this.step === 1 };
    tf.tidy(() => {
      const out = tf.engine().runKernel(SGD_STEP_KERNEL, [...this.variables, ...grads, ...buffers] as never, attrs as never) as tf.Tensor[];
      this.variables.forEach((w, i) => w.assign(out[i]!));
      buffers.forEach((b, i) => b.assign(out[this.variables.length + i]!));
    });
  }

  getState(): OptimizerState {
    return { step: this.step, slots: this.slots.map((s, i) => ({ shape: this.variables[i]!.shape, values: s.map((t) => t.dataSync() as Float32Array) })) };
  }

  setState(state: OptimizerState): void {
    if (state.slots.length !== this.slots.length) {
      throw new Error(`Optimizer state has ${state.slots.length} variables; the model has ${this.slots.length}`);
    }
    state.slots.forEach((saved, i) => {
      const slots = this.slots[i]!;
      if (saved.values.length !== slots.length) throw new Error(`Optimizer state of variable ${i} has ${saved.values.length} slots; ${this.config.name} needs ${slots.length}`);
      saved.values.forEach((values, j) => slots[j]!.assign(tf.tensor(values, this.variables[i]!.shape)));
    });
    this.step = state.step;
  }

  dispose(): void {
    tf.dispose(this.slots.flat());
  }
}
