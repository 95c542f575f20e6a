import { encodePng } from '../data/png-codec.js';
import type { ImageGrid } from './image-grid.js';

const CELL = 16;

/**
 * A confusion matrix (rows: true class, columns: predicted) as a heat map, each cell's blue the share of its row:
 * white is none, dark blue all. The class order is that of `confusion_table`, written beside it.
 */
export function confusionImage(confusion: readonly (readonly number[])[]): ImageGrid {
  const k = confusion.length, size = k * CELL;
  const rgb = new Uint8Array(size * size * 3);
  for (let t = 0; t < k; t++) {
    const total = confusion[t]!.reduce((a, b) => a + b, 0) || 1;
    for (let p = 0; p < k; p++) {
      const share = confusion[t]![p]! / total;
      const colour = [255 - share * 247, 255 - share * 207, 255 - share * 148].map(Math.round);
      for (let y = 0; y < CELL; y++) {
        for (let x = 0; x < CELL; x++) {
          const edge = x === CELL - 1 || y === CELL - 1;
          rgb.set(edge ? [220, 220, 220] : colour, ((t * CELL + y) * size + p * CELL + x) * 3);
        }
      }
    }
  }
  return { png: encodePng(rgb, size, size, 3), height: size, width: size };
}

/** The confusion matrix as a Markdown table with class names (TensorBoard's Text tab renders it). */
export function confusionTable(confusion: readonly (readonly number[])[], classes: readonly string[]): string {
  const head = `| true \\ predicted | ${classes.join(' | ')} |`;
  const rule = `|---|${classes.map(() => '---:').join('|')}|`;
  const rows = confusion.map((row, t) => `| **${classes[t] ?? t}** | ${row.map((n, p) => (p === t ? `**${n}**` : String(n))).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}
