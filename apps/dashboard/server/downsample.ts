import type { Point } from './history.js';

/** The points with from ≤ step ≤ to (either bound may be absent), in step order. */
export function stepRange(points: readonly Point[], from?: number, to?: number): Point[] {
  let sorted = true;
  for (let i = 1; i < points.length && sorted; i++) sorted = points[i - 1]!.step <= points[i]!.step;
  const ordered = sorted ? points : [...points].sort((a, b) => a.step - b.step);
  if (from === undefined && to === undefined) return [...ordered];
  return ordered.filter((p) => (from === undefined || p.step >= from) && (to === undefined || p.step <= to));
}

/**
 * At most `target` points of a series in step order that keep its shape and its extremes: the first and last
 * points, and in each of (target − 2) / 2 equal runs of the points between, the lowest and the highest (as
 * TensorBoard's and most charts' min/max decimation). A NaN or infinite value is kept as its bucket's extreme, so a
 * divergence never disappears from a downsampled chart.
 */
export function minMaxDownsample(points: readonly Point[], target: number): Point[] {
  if (!Number.isInteger(target) || target < 4) throw new Error(`target must be an integer ≥ 4, got ${target}`);
  if (points.length <= target) return [...points];
  const out: Point[] = [points[0]!];
  const inner = points.length - 2;
  const buckets = Math.floor((target - 2) / 2);
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let lo = -1;
    let hi = -1;
    let odd = -1;
    for (let i = start; i < end; i++) {
      const v = points[i]!.value;
      if (!Number.isFinite(v)) {
        if (odd < 0) odd = i;
        continue;
      }
      if (lo < 0 || v < points[lo]!.value) lo = i;
      if (hi < 0 || v > points[hi]!.value) hi = i;
    }
    if (odd >= 0) {
      // The non-finite point and the extreme farther from it in value order stay.
      const keep = lo >= 0 ? (hi >= 0 && Math.abs(points[hi]!.value) > Math.abs(points[lo]!.value) ? hi : lo) : -1;
      for (const i of [odd, keep].filter((i) => i >= 0).sort((x, y) => x - y)) out.push(points[i]!);
      continue;
    }
    if (lo < 0) continue;
    if (lo === hi) out.push(points[lo]!);
    else for (const i of lo < hi ? [lo, hi] : [hi, lo]) out.push(points[i]!);
  }
  out.push(points[points.length - 1]!);
  return out;
}
