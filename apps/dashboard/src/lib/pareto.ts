/** Pareto frontiers: the points no other point beats on both axes. */

/** Which end of an axis is better: 'min' for costs (parameters, multiply-adds), 'max' for accuracy or speed. */
export type Better = 'min' | 'max';

/**
 * The non-dominated points, by x ascending: no other point is at least as good on both axes and better on one.
 * Of points with the same x and y, only the first is kept.
 */
export function paretoFrontier<T extends { x: number; y: number }>(points: readonly T[], x: Better, y: Better = 'max'): T[] {
  const sx = x === 'min' ? 1 : -1;
  const sy = y === 'max' ? 1 : -1;
  // Best x first; on equal x, best y first: each point then only has to beat the best y seen so far.
  const order = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => sx * (a.x - b.x) || sy * (b.y - a.y));
  const frontier: T[] = [];
  let bestY = -Infinity;
  for (const p of order) {
    if (sy * p.y > bestY) {
      frontier.push(p);
      bestY = sy * p.y;
    }
  }
  return frontier.sort((a, b) => a.x - b.x);
}
