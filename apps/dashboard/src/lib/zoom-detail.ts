import type { ScalarPoint } from '../../server/types.js';

/**
 * Full resolution inside a zoom. Curves are fetched downsampled (CURVE_POINTS per tag, min/max per bucket); a zoom
 * on a series that was downsampled fetches the steps of the zoom again (?from=&to=, downsampled only if they are
 * still more than CURVE_POINTS), and draws them in place of the coarse points there.
 */
export interface ZoomDetail {
  from: number;
  to: number;
  /** The run's cursor when fetched: newer points make the detail stale. */
  cursor: string;
  points: ScalarPoint[];
}

/** The step range fetched for a zoom: whole steps covering it. */
export function detailRange(zoom: readonly [number, number]): { from: number; to: number } {
  return { from: Math.floor(zoom[0]), to: Math.ceil(zoom[1]) };
}

/** Whether a series drawn from `have` points of `total` lost points to downsampling (and a zoom should fetch them). */
export function isDownsampled(total: number | undefined, have: number): boolean {
  return total !== undefined && total > have;
}

/** Whether a fetched detail is the one a zoom wants now. */
export function detailFits(detail: ZoomDetail | undefined, zoom: readonly [number, number], cursor: string): boolean {
  const { from, to } = detailRange(zoom);
  return !!detail && detail.from === from && detail.to === to && detail.cursor === cursor;
}

/** The coarse points outside the detail's range, the detail's points inside it, in step order. */
export function spliceDetail(coarse: readonly ScalarPoint[], detail: ZoomDetail): ScalarPoint[] {
  return [...coarse.filter((p) => p.step < detail.from), ...detail.points, ...coarse.filter((p) => p.step > detail.to)];
}
