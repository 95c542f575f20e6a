import { hashSeed } from '../random.js';

/** Salt so augmentation draws differ from the split's and the epoch order's streams under the same seed. */
const AUGMENT_SALT = 0xa06e;

/**
 * The random numbers of one augmentation op on one image. Counter-based: the
 * k-th draw is a hash of (seed, epoch, image index, op position, k), so any
 * image's augmentation can be recomputed on its own — a resumed run, or a
 * different batch layout, draws exactly the same numbers, and no generator
 * state has to be checkpointed.
 */
export class Draws {
  private readonly key: number;
  private counter = 0;

  constructor(seed: number, epoch: number, image: number, op: number) {
    this.key = hashSeed(seed, AUGMENT_SALT, epoch, image, op);
  }

  /** A float in [0, 1) with 32 random bits. */
  uniform(): number {
    return hashSeed(this.key, this.counter++) / 4294967296;
  }

  /** A float in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** An integer in [0, n) (n ≤ 2^32; the bias of a multiply-shift is below 2^-32·n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** A standard normal draw (Box–Muller, one of the pair). */
  normal(): number {
    const u = 1 - this.uniform(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (shape < 1 boosted by U^(1/shape)). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = 1 - this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  /** Beta(a, b), as torch.distributions.Beta / numpy.random.beta define it. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }
}
