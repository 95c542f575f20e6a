import { describe, expect, it } from 'vitest';
import { paretoFrontier } from '../src/lib/pareto.js';

const p = (id: string, x: number, y: number) => ({ id, x, y });

describe('paretoFrontier', () => {
  const points = [p('small-good', 1e5, 0.8), p('big-better', 1e7, 0.9), p('big-worse', 2e7, 0.85), p('mid-worse', 1e6, 0.7), p('tiny-bad', 1e4, 0.5)];

  it('keeps the points no other beats on cost and accuracy, cheapest first', () => {
    expect(paretoFrontier(points, 'min').map((q) => q.id)).toEqual(['tiny-bad', 'small-good', 'big-better']);
  });

  it('treats a larger x as better for speed (images per second)', () => {
    const speed = [p('fast-bad', 900, 0.6), p('slow-good', 100, 0.9), p('slow-bad', 50, 0.5), p('fast-good', 800, 0.85)];
    expect(paretoFrontier(speed, 'max').map((q) => q.id)).toEqual(['slow-good', 'fast-good', 'fast-bad']);
  });

  it('drops ties after the first, points beaten only on one axis, and missing values', () => {
    const ties = [p('a', 1, 0.5), p('b', 1, 0.5), p('c', 1, 0.4), p('d', 2, 0.5), p('e', Number.NaN, 1)];
    expect(paretoFrontier(ties, 'min').map((q) => q.id)).toEqual(['a']);
    expect(paretoFrontier([], 'min')).toEqual([]);
  });
});
