import { tf } from '@cnnlab/core';

/** Gradient clipping as PyTorch's clip_grad_norm_ (one norm over all gradients) or clip_grad_value_. */
export type ClipGrad = { mode: 'off' } | { mode: 'norm' | 'value'; max: number };

/** Parses `norm:X` or `value:X` (X > 0); `where` names the option in the error. */
export function parseClipGrad(text: string, where = '--clip-grad'): ClipGrad {
  const m = /^(norm|value):(.+)$/.exec(text.trim());
  const max = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(max) || max <= 0) throw new Error(`${where}: expected norm:X or value:X with X > 0, got "${text}"`);
  return { mode: m[1] as 'norm' | 'value', max };
}

/**
 * Clipped copies of `grads` (consumed) and their total L2 norm before clipping. Norm mode scales every gradient by
 * max/(norm+1e-6) when that is below 1, as torch.nn.utils.clip_grad_norm_ does.
 */
export function clipGradients(grads: tf.Tensor[], clip: ClipGrad): { grads: tf.Tensor[]; norm: number | null } {
  if (clip.mode === 'off') return { grads, norm: null };
  if (clip.mode === 'value') {
    const out = grads.map((g) => tf.clipByValue(g, -clip.max, clip.max));
    tf.dispose(grads);
    return { grads: out, norm: null };
  }
  const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))))).dataSync()[0]!;
  const coef = clip.max / (norm + 1e-6);
  if (coef >= 1) return { grads, norm };
  const out = grads.map((g) => tf.mul(g, coef));
  tf.dispose(grads);
  return { grads: out, norm };
}
