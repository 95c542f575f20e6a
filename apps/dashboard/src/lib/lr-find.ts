import type { LrFindResponse } from '../../server/lr-find-types.js';

/** The LineChart series and markers these make (LineChart.svelte's ChartSeries and ChartMarker, structurally). */
type Point = { x: number; y: number | null };
type Series = { id: string; label: string; color: string; width: number; points: Point[]; raw: Point[] };
type Marker = { id: string; x: number; label: string; color: string };

/** The rules `cnnlab lr-find` suggests a rate by (packages/trainer/src/lr-find/suggest.ts), as the chart names them. */
export const LR_RULES = {
  steepest: 'steepest descent of the smoothed loss',
  minimumOver10: 'minimum/10: a tenth of the rate at the lowest smoothed loss',
} as const;

/** A learning rate in three digits: 0.0123, 1.27e-6 ("1e-7" for a power of ten). */
export function lrLabel(lr: number): string {
  if (lr >= 0.01 && lr < 1000) return String(Number(lr.toPrecision(3)));
  return lr.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** The smoothed loss against the learning rate, the raw batch losses drawn faintly behind it. */
export function lrFindSeries(r: LrFindResponse, color: string): Series[] {
  return [{
    id: `${r.run}::lr-find`, label: 'smoothed loss (raw batch losses faint)', color, width: 2.2,
    points: r.points.map((p) => ({ x: p.lr, y: p.smoothedLoss })),
    raw: r.points.map((p) => ({ x: p.lr, y: p.loss })),
  }];
}

/** The suggested rate (steepest descent) and the cautious minimum/10 rate, each labelled with its rule and value. */
export function lrFindMarkers(r: LrFindResponse, color: string): Marker[] {
  const { steepest, minimumOver10 } = r.suggestions;
  return [
    { id: 'suggested-lr', x: steepest.lr, label: `suggested ${lrLabel(steepest.lr)} (steepest descent)`, color },
    { id: 'minimum-over-10', x: minimumOver10.lr, label: `minimum/10 ${lrLabel(minimumOver10.lr)}`, color: '#6b7280' },
  ];
}
