/**
 * A run's look on every chart, from its identity (its path in the logdir), so a run keeps its colour when
 * other runs appear or vanish. 20 colours times 3 dash families give 60 styles. The colours were picked greedily
 * (farthest in CIELAB from those already taken, starting from Tableau's blue, red and green) among colours with a
 * WCAG contrast of at least 3.2 against the white card and far from the grey of the legend key (LEGEND_GREY):
 * every pair is at least ΔE 27 apart (test/run-colors.test.ts measures it). Runs drawn together take different
 * colours while any is free, then the same colour with another dash.
 */
export const RUN_COLORS = [
  '#1f77b4', '#d62728', '#2ca02c', '#e61ee6', '#5c471f', '#a13674', '#1745cf', '#209784', '#c17915', '#8d9532',
  '#135819', '#c86d5b', '#811197', '#1e1ee6', '#e82c6a', '#e61ea3', '#324295', '#095353', '#8a240f', '#1498b3',
];
/** The grey of the legend's "thin: training / thick: validation" key: no run is drawn in it. */
export const LEGEND_GREY = '#6b7280';
/** SVG stroke-dasharray per dash family ('' = solid). */
export const RUN_DASHES = ['', '8 3 2 3', '2 2.5'];
export const STYLE_COUNT = RUN_COLORS.length * RUN_DASHES.length;

export interface RunStyle {
  color: string;
  /** stroke-dasharray; '' for solid. */
  dash: string;
  index: number;
}

/** FNV-1a, 32 bits: a stable, well-spread hash of a run's path. */
export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function styleAt(index: number): RunStyle {
  const i = ((index % STYLE_COUNT) + STYLE_COUNT) % STYLE_COUNT;
  return { color: RUN_COLORS[i % RUN_COLORS.length]!, dash: RUN_DASHES[Math.floor(i / RUN_COLORS.length)]!, index: i };
}

/** The style a run gets from its path alone. */
export function runStyle(name: string): RunStyle {
  return styleAt(hashOf(name));
}

/**
 * Styles for runs drawn together, in name order: each run keeps its hash colour unless one drawn before took it,
 * then the next colour no run has yet (once all are taken, the least used); its hash dash unless that colour and
 * dash are taken, then the next free dash. Depends only on the set drawn, never on the rest of the logdir.
 */
export function assignStyles(names: readonly string[]): Map<string, RunStyle> {
  const colors = RUN_COLORS.length;
  const dashes = RUN_DASHES.length;
  const uses = new Array<number>(colors).fill(0);
  const taken = new Set<number>();
  const out = new Map<string, RunStyle>();
  for (const name of [...new Set(names)].sort()) {
    const h = hashOf(name) % STYLE_COUNT;
    const start = h % colors;
    const fewest = Math.min(...uses);
    let c = start;
    for (let k = 0; k < colors; k++) {
      const cand = (start + k) % colors;
      if (uses[cand] === fewest) {
        c = cand;
        break;
      }
    }
    let d = Math.floor(h / colors);
    for (let k = 0; k < dashes && taken.has(d * colors + c); k++) d = (d + 1) % dashes;
    const i = d * colors + c;
    taken.add(i);
    uses[c]!++;
    out.set(name, styleAt(i));
  }
  return out;
}
