/** Places chart labels in rows so none overlaps another or leaves the plot; what does not fit goes elsewhere (legend). */

export interface LabelRequest {
  /** Where the label points to, in plot pixels. */
  x: number;
  /** Its text width in pixels (an estimate is enough: `textWidth`). */
  width: number;
}

export interface PlacedLabel {
  /** Left edge in plot pixels. */
  left: number;
  row: number;
}

/** A generous width estimate of bold ~11.5px system-ui text (wider than the real one, so estimates never overlap). */
export function textWidth(text: string, px = 11.5): number {
  return Math.ceil(text.length * px * 0.62) + 4;
}

/**
 * Greedy packing: labels sorted by x, each centred on its x when it can be (else clamped into [0, plotWidth]),
 * in the first row where it keeps `gap` pixels from the previous label. Returns null for a label no row of
 * `maxRows` can take (or wider than the plot).
 */
export function layoutLabels(labels: readonly LabelRequest[], plotWidth: number, maxRows: number, gap = 6): (PlacedLabel | null)[] {
  const rowEnds: number[] = Array.from({ length: maxRows }, () => -Infinity);
  const order = labels.map((l, i) => i).sort((a, b) => labels[a]!.x - labels[b]!.x);
  const out: (PlacedLabel | null)[] = labels.map(() => null);
  for (const i of order) {
    const { x, width } = labels[i]!;
    if (width > plotWidth) continue;
    const ideal = Math.min(Math.max(0, x - width / 2), plotWidth - width);
    for (let row = 0; row < maxRows; row++) {
      const left = Math.max(ideal, rowEnds[row]! + gap);
      // Not pushed so far right that it no longer reads as the label of its line.
      if (left + width <= plotWidth && left - ideal <= Math.max(40, width / 2)) {
        rowEnds[row] = left + width;
        out[i] = { left, row };
        break;
      }
    }
  }
  return out;
}
