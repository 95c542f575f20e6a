import { describe, expect, it } from 'vitest';
import { PointColumn } from '../server/point-column.js';

describe('PointColumn', () => {
  it('keeps points in order through growth and hands them out as objects', () => {
    const column = new PointColumn();
    for (let i = 1; i <= 100; i++) column.push({ step: i * 2, wallTime: 1_750_000_000.25 + i, value: i === 50 ? Number.NaN : 1 / i, seq: i + 1000 });
    expect(column.length).toBe(100);
    expect(column.at(0)).toEqual({ step: 2, wallTime: 1_750_000_001.25, value: 1, seq: 1001 });
    expect(column.at(-1)).toEqual({ step: 200, wallTime: 1_750_000_100.25, value: 0.01, seq: 1100 });
    expect(column.at(100)).toBeUndefined();
    expect(column.at(49)!.value).toBeNaN();
    expect(column.seqAt(9)).toBe(1010);
    expect(column.maxStep()).toBe(200);
    expect(new PointColumn().maxStep()).toBeNull();
    expect(column.slice(98)).toEqual([{ step: 198, wallTime: 1_750_000_099.25, value: 1 / 99 }, { step: 200, wallTime: 1_750_000_100.25, value: 0.01 }]);
    expect([...column].map((p) => p.step)).toEqual(column.map((p) => p.step));
    expect(column.map((p) => p.step).at(-1)).toBe(200);
  });
});
