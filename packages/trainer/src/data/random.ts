/**
 * Small deterministic pseudo-random numbers for splits, epoch shuffles and
 * anything else that must replay bit-for-bit on a resumed run.
 *
 * Generator: mulberry32 (32-bit state, period 2^32), the same in every JS
 * engine because it only uses `Math.imul` and unsigned shifts.
 */

function mix32(x: number): number {
  // The finaliser of MurmurHash3 / lowbias32: every input bit affects every output bit.
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Hashes integers (a run seed, an epoch, a class id, a salt …) into one
 * 32-bit seed. Order matters: `hashSeed(1, 2) !== hashSeed(2, 1)`.
 * Each part must be a safe integer (negative values are allowed).
 */
export function hashSeed(...parts: number[]): number {
  let h = 0x243f6a88;
  for (const part of parts) {
    if (!Number.isSafeInteger(part)) throw new Error(`hashSeed: seed parts must be safe integers; got ${String(part)}`);
    const lo = part >>> 0;
    const hi = Math.floor(part / 0x100000000) >>> 0;
    h = mix32((h + 0x9e3779b9) ^ lo);
    h = mix32((h + 0x9e3779b9) ^ hi);
  }
  return h;
}

/** A mulberry32 generator with a readable/settable state (for checkpoints). */
export class Mulberry32 {
  private a: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error(`Mulberry32: seed must be a safe integer; got ${String(seed)}`);
    this.a = seed >>> 0;
  }

  /** The whole generator state; `new Mulberry32(0).state = s` resumes the stream exactly. */
  get state(): number {
    return this.a;
  }

  set state(value: number) {
    this.a = value >>> 0;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Next float in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n), n ≤ 2^32 (rejection sampling, no modulo bias). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new Error(`nextInt: n must be an integer in [1, 2^32]; got ${String(n)}`);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }
}

/** A mulberry32 stream as a function returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  const rng = new Mulberry32(seed);
  return () => rng.next();
}

/** Fisher–Yates shuffle in place (unbiased); returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(array: T, rng: Mulberry32): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = array[i]!;
    array[i] = array[j]!;
    array[j] = tmp;
  }
  return array;
}

/** A seeded random permutation of 0..n-1. */
export function permutation(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, new Mulberry32(seed));
}
