import { describe, expect, it } from 'vitest';
import { scalarsQuery } from '../src/lib/api.js';
import { detailFits, detailRange, isDownsampled, spliceDetail } from '../src/lib/zoom-detail.js';

const pts = (steps: number[], value = 1) => steps.map((step) => ({ step, value, wallTime: step }));

describe('full resolution inside a zoom', () => {
  it('asks for whole steps covering the zoom, only where points were dropped', () => {
    expect(detailRange([2.4, 7.6])).toEqual({ from: 2, to: 8 });
    expect(isDownsampled(100_000, 2048)).toBe(true);
    expect(isDownsampled(50, 50)).toBe(false);
    expect(isDownsampled(undefined, 50)).toBe(false);
    expect(scalarsQuery(undefined, { points: 2048, tags: ['batch/loss'], from: 2, to: 8 })).toBe('?tags=batch%2Floss&points=2048&from=2&to=8');
  });

  it('draws the detail in place of the coarse points of its range, coarse ones outside', () => {
    const coarse = pts([0, 10, 20, 30, 40]);
    const detail = { from: 12, to: 28, cursor: 'c1', points: pts([12, 13, 14, 25, 28], 2) };
    expect(spliceDetail(coarse, detail).map((p) => p.step)).toEqual([0, 10, 12, 13, 14, 25, 28, 30, 40]);
    expect(spliceDetail(coarse, detail).filter((p) => p.value === 2)).toHaveLength(5);
  });

  it('takes a detail as current only for the same range and cursor', () => {
    const detail = { from: 2, to: 8, cursor: 'c1', points: [] };
    expect(detailFits(detail, [2.1, 7.9], 'c1')).toBe(true);
    expect(detailFits(detail, [3, 8], 'c1')).toBe(false);
    expect(detailFits(detail, [2, 8], 'c2')).toBe(false);
    expect(detailFits(undefined, [2, 8], 'c1')).toBe(false);
  });
});
