/**
 * Breaks a curve where epochs are missing (lost to a damaged record, or never logged): a null point between
 * two points whose steps are further apart than the run's usual step, so the chart lifts the pen there
 * instead of bridging the gap with a straight line.
 */
export function withGaps<P extends { step: number }, Q>(points: readonly P[], map: (p: P) => Q, gap: (before: P, after: P) => Q): Q[] {
  if (points.length < 3) return points.map(map);
  const steps = points.map((p) => p.step);
  const diffs = steps.slice(1).map((s, i) => s - steps[i]!).filter((d) => d > 0).sort((a, b) => a - b);
  const usual = diffs[Math.floor(diffs.length / 2)] ?? 1;
  const out: Q[] = [];
  points.forEach((p, i) => {
    if (i > 0 && p.step - points[i - 1]!.step > usual * 1.5) out.push(gap(points[i - 1]!, p));
    out.push(map(p));
  });
  return out;
}
