/**
 * Labels for chart points that overlap neither a point nor another label, and stay inside the plot. Every label
 * is placed: each tries spots around its point, nearest first, then further out (up to `maxDistance`); the spot
 * overlapping least is taken only when none is free.
 */

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface LabelledPoint {
  x: number;
  y: number;
  /** The label's estimated width and height in pixels (overestimate: the test of overlap is on estimates). */
  width: number;
  height: number;
}

export interface PlacedPointLabel {
  /** Where the text goes: its anchor point (text-anchor start/end) and baseline. */
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: Box;
}

const overlapArea = (a: Box, b: Box) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

/** `labels[i]` for `points[i]`; `obstacles` are the drawn points (any marker, labelled or not) with their radius. */
export function placePointLabels(labels: readonly LabelledPoint[], obstacles: readonly { x: number; y: number; r: number }[], plot: { width: number; height: number }, gap = 3, maxDistance = 60): PlacedPointLabel[] {
  const blocked: Box[] = obstacles.map((o) => ({ left: o.x - o.r - gap, top: o.y - o.r - gap, right: o.x + o.r + gap, bottom: o.y + o.r + gap }));
  const placed: PlacedPointLabel[] = [];
  const spots = [[1, -1], [-1, -1], [1, 1], [-1, 1], [1, 0], [-1, 0], [0, -1], [0, 1]] as const;
  for (const l of labels) {
    let best: { label: PlacedPointLabel; cost: number } | null = null;
    search: for (let d = 6; d <= maxDistance; d += 10) {
      for (const [dx, dy] of spots) {
        const left = dx > 0 ? l.x + d : dx < 0 ? l.x - d - l.width : l.x - l.width / 2;
        const top = dy < 0 ? l.y - d - l.height : dy > 0 ? l.y + d : l.y - l.height / 2;
        const box = { left, top, right: left + l.width, bottom: top + l.height };
        if (box.left < 0 || box.top < 0 || box.right > plot.width || box.bottom > plot.height) continue;
        const cost = [...blocked, ...placed.map((p) => p.box)].reduce((sum, b) => sum + overlapArea(box, b), 0);
        // Text is drawn from its baseline, about 78% down its box.
        const baseline = box.top + l.height * 0.78;
        const label: PlacedPointLabel = dx < 0 ? { x: box.right, y: baseline, anchor: 'end', box } : { x: box.left, y: baseline, anchor: 'start', box };
        if (!best || cost < best.cost) best = { label, cost };
        if (cost === 0) break search;
      }
    }
    placed.push(best?.label ?? { x: l.x, y: l.y - 8, anchor: 'start', box: { left: l.x, top: l.y - 8 - l.height, right: l.x + l.width, bottom: l.y - 8 } });
  }
  return placed;
}
