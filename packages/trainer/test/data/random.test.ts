import { describe, expect, it } from 'vitest';
import { hashSeed, Mulberry32, mulberry32, permutation, shuffleInPlace } from '../../src/data/index.js';

describe('random', () => {
  it('mulberry32 is the reference generator', () => {
    // Reference mulberry32 (Tommy Ettinger's) with seed 1: first outputs ·2^32.
    const ref = (seed: number) => () => {
      let t = (seed = (seed + 0x6d2b79f5) | 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (const seed of [0, 1, 42, 0xdeadbeef]) {
      const a = mulberry32(seed);
      const b = ref(seed);
      for (let i = 0; i < 100; i++) expect(a()).toBe(b());
    }
  });

  it('state round-trips and resumes the stream', () => {
    const a = new Mulberry32(7);
    for (let i = 0; i < 10; i++) a.next();
    const b = new Mulberry32(0);
    b.state = a.state;
    for (let i = 0; i < 10; i++) expect(b.nextUint32()).toBe(a.nextUint32());
  });

  it('nextInt stays in range and covers it', () => {
    const rng = new Mulberry32(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = rng.nextInt(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
    expect(() => rng.nextInt(0)).toThrow(/nextInt/);
  });

  it('hashSeed depends on every part and its order', () => {
    expect(hashSeed(1, 2)).toBe(hashSeed(1, 2));
    expect(hashSeed(1, 2)).not.toBe(hashSeed(2, 1));
    expect(hashSeed(0, 0)).not.toBe(hashSeed(0, 1));
    expect(hashSeed(2 ** 40)).not.toBe(hashSeed(0));
    expect(hashSeed(-1)).not.toBe(hashSeed(1));
    expect(() => hashSeed(0.5)).toThrow(/safe integers/);
  });

  it('shuffles into a seeded permutation', () => {
    const p = permutation(100, 5);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(permutation(100, 5)).toEqual(p);
    expect(permutation(100, 6)).not.toEqual(p);
    const arr = [1, 2, 3, 4, 5];
    expect(shuffleInPlace(arr, new Mulberry32(1))).toBe(arr);
  });
});
