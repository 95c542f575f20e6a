import { describe, expect, it } from 'vitest';
import { ALL_BUDGETS, budgetGroups, budgetKey, defaultBudget } from '../src/lib/budget.js';
import { leafNames } from '../src/lib/names.js';
import { placePointLabels, type Box } from '../src/lib/point-labels.js';

const run = (epochs: number, trainImages: number | null = 700, dataset: string | null = 'fashion-mnist') => ({ epochs, trainImages, dataset });
const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe('training budgets', () => {
  it('groups runs by epochs, training split and dataset', () => {
    const groups = budgetGroups([run(10), run(10), run(1), run(10, 2000), run(1)]);
    expect(groups.map((g) => [g.key, g.count])).toEqual([['10:700:fashion-mnist', 2], ['1:700:fashion-mnist', 2], ['10:2000:fashion-mnist', 1]]);
    expect(groups[0]!.label).toBe('10 epochs on 700 training images (fashion-mnist)');
    expect(budgetKey(run(3, null, null))).toBe('3:?:?');
  });

  it('shows first the longest-trained group of three runs or more, not a search\'s many 1-epoch models', () => {
    const points = [...Array(20).fill(run(1, 2000)), run(10), run(10), run(10), run(25)];
    expect(defaultBudget(budgetGroups(points))).toBe('10:700:fashion-mnist');
    // No group of three: the largest.
    expect(defaultBudget(budgetGroups([run(1), run(1), run(25)]))).toBe('1:700:fashion-mnist');
    expect(defaultBudget([])).toBe(ALL_BUDGETS);
  });
});

describe('point labels', () => {
  it('labels every point, overlapping no point and no other label, inside the plot', () => {
    // A tight cluster, as the frontier's cheap end often is.
    const pts = [{ x: 50, y: 200 }, { x: 60, y: 190 }, { x: 70, y: 185 }, { x: 80, y: 150 }, { x: 300, y: 40 }, { x: 590, y: 10 }];
    const obstacles = [...pts.map((p) => ({ ...p, r: 7 })), { x: 65, y: 175, r: 5 }];
    const placed = placePointLabels(pts.map((p) => ({ ...p, width: 70, height: 14 })), obstacles, { width: 600, height: 300 });
    expect(placed).toHaveLength(pts.length);
    placed.forEach((l, i) => {
      expect(l.box.left).toBeGreaterThanOrEqual(0);
      expect(l.box.right).toBeLessThanOrEqual(600);
      expect(l.box.top).toBeGreaterThanOrEqual(0);
      for (const o of obstacles) expect(overlaps(l.box, { left: o.x - o.r, right: o.x + o.r, top: o.y - o.r, bottom: o.y + o.r })).toBe(false);
      for (const other of placed.slice(i + 1)) expect(overlaps(l.box, other.box)).toBe(false);
    });
    // Near the right edge a label goes to the left of its point.
    expect(placed[5]!.anchor).toBe('end');
  });
});

describe('leafNames', () => {
  it('names runs by their last segment, with parents only where two would read the same', () => {
    const names = leafNames(['resnet18', 'sweeps/lenet-lr/trial-004', 'a/seed-1', 'b/seed-1', 'x/deep/very-long-run-name-of-a-trial-0042']);
    expect([...names.values()]).toEqual(['resnet18', 'trial-004', 'a/seed-1', 'b/seed-1', 'very-long…f-a-trial-0042']);
  });
});
