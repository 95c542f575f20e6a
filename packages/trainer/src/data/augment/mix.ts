import type { Draws } from './draws.js';

export interface MixOptions {
  /** Beta(α, α) of mixup's λ; 0: no mixup. */
  mixup: number;
  /** Beta(α, α) of cutmix's λ; 0: no cutmix. With both, each image takes one of them with probability ½ (timm's switch_prob). */
  cutmix: number;
}

/**
 * Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) on a normalised NHWC
 * batch, in place: image b is mixed with the next image of the batch
 * ((b + 1) mod n, torchvision v2's rolled batch) with its own λ drawn by
 * `drawsOf(b)`, and its target becomes λ·onehot(own) + (1 − λ)·onehot(partner).
 * CutMix pastes the partner's box of area ≈ (1 − λ) and sets λ from the
 * box actually pasted (torchvision v2 CutMix). Returns the soft targets
 * (n × classes, float32).
 */
export function mixBatch(
  pixels: Float32Array, labels: ArrayLike<number>, n: number, height: number, width: number, channels: number, classes: number,
  options: MixOptions, drawsOf: (b: number) => Draws,
): Float32Array {
  const per = height * width * channels;
  const targets = new Float32Array(n * classes);
  const original = n > 1 ? pixels.slice(0, n * per) : pixels;
  for (let b = 0; b < n; b++) {
    const partner = (b + 1) % n;
    const draws = drawsOf(b);
    const useCutmix = options.cutmix > 0 && (options.mixup === 0 || draws.chance(0.5));
    const alpha = useCutmix ? options.cutmix : options.mixup;
    let lambda = n > 1 ? draws.beta(alpha, alpha) : 1;
    const own = b * per, other = partner * per;
    if (n > 1 && useCutmix) {
      const cx = draws.int(width), cy = draws.int(height);
      const r = 0.5 * Math.sqrt(1 - lambda);
      const rw = Math.trunc(r * width), rh = Math.trunc(r * height);
      const x1 = Math.max(cx - rw, 0), x2 = Math.min(cx + rw, width);
      const y1 = Math.max(cy - rh, 0), y2 = Math.min(cy + rh, height);
      for (let y = y1; y < y2; y++) {
        const from = (y * width + x1) * channels, to = (y * width + x2) * channels;
        pixels.set(original.subarray(other + from, other + to), own + from);
      }
      lambda = 1 - ((x2 - x1) * (y2 - y1)) / (width * height);
    } else if (n > 1) {
      for (let i = 0; i < per; i++) pixels[own + i] = lambda * original[own + i]! + (1 - lambda) * original[other + i]!;
    }
    targets[b * classes + labels[b]!]! += lambda;
    targets[b * classes + labels[partner]!]! += 1 - lambda;
  }
  return targets;
}
