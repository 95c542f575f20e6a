/**
 * Row virtualization: which rows of a fixed-height list are on screen (plus a margin), so a table of 10,000 runs
 * renders a few dozen rows. `before` and `after` are the heights of the spacers standing in for the rest.
 */
export interface RowWindow {
  start: number;
  end: number;
  before: number;
  after: number;
}

export function visibleRows(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 8): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, before: 0, after: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + overscan);
  return { start, end, before: start * rowHeight, after: (count - end) * rowHeight };
}
