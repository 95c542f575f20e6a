/**
 * A run's look on every chart, from its identity (its path in the logdir), so a run keeps its colour when
 * other runs appear or vanish. 16 colours (Tableau 20 without the pale half, plus four darker ones) times
 * 3 dash families give 48 styles; runs shown together that would share one take the next free style.
 */
export const RUN_COLORS = [
  '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
  '#7f7f7f', '#bcbd22', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd',
];
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
 * Styles for runs drawn together: each its own hash style, unless a run earlier in name order took it, then the
 * next free one. Depends only on the set drawn, never on the rest of the logdir.
 */
export function assignStyles(names: readonly string[]): Map<string, RunStyle> {
  const taken = new Set<number>();
  const out = new Map<string, RunStyle>();
  for (const name of [...new Set(names)].sort()) {
    let i = hashOf(name) % STYLE_COUNT;
    for (let tries = 0; taken.has(i) && tries < STYLE_COUNT; tries++) i = (i + 1) % STYLE_COUNT;
    taken.add(i);
    out.set(name, styleAt(i));
  }
  return out;
}
