import { describe, expect, it } from 'vitest';
import { contrastRatio, deltaE } from '../src/lib/color-metrics.js';
import { assignStyles, LEGEND_GREY, RUN_COLORS, type RunStyle } from '../src/lib/run-style.js';

const CARD = '#ffffff';
/** Two lines count as told apart when their colours are ≥ ΔE 25 apart, or their dash patterns differ. */
const distinct = (a: RunStyle, b: RunStyle) => deltaE(a.color, b.color) >= 25 || a.dash !== b.dash;

describe('run colours', () => {
  it('reach WCAG 3:1 against the card, keep away from the legend grey, and differ from one another', () => {
    expect(deltaE('#ffffff', '#000000')).toBeCloseTo(100, 0);
    expect(contrastRatio('#777777', CARD)).toBeCloseTo(4.48, 1);
    for (const c of RUN_COLORS) {
      expect(contrastRatio(c, CARD), c).toBeGreaterThanOrEqual(3);
      expect(deltaE(c, LEGEND_GREY), c).toBeGreaterThanOrEqual(25);
    }
    let closest = Infinity;
    for (let i = 0; i < RUN_COLORS.length; i++) for (let j = i + 1; j < RUN_COLORS.length; j++) closest = Math.min(closest, deltaE(RUN_COLORS[i]!, RUN_COLORS[j]!));
    expect(closest).toBeGreaterThanOrEqual(25);
  });

  it.each([
    ['a sweep', (i: number) => `sweeps/lenet-lr/trial-${String(i).padStart(3, '0')}`],
    ['seeded runs', (i: number) => `resnet18-seed${i}`],
  ])('keep 30 runs of %s distinct: different colours while the palette lasts, then another dash', (_, name) => {
    const names = Array.from({ length: 30 }, (_, i) => name(i));
    const styles = [...assignStyles(names).values()];
    let pairs = 0;
    for (let i = 0; i < styles.length; i++) for (let j = i + 1; j < styles.length; j++) {
      expect(distinct(styles[i]!, styles[j]!), `${names[i]} vs ${names[j]}`).toBe(true);
      pairs++;
    }
    expect(pairs).toBe(435);
    // 20 colours for 30 runs: every colour used, none more than twice.
    const perColour = new Map<string, number>();
    for (const s of styles) perColour.set(s.color, (perColour.get(s.color) ?? 0) + 1);
    expect(perColour.size).toBe(RUN_COLORS.length);
    expect(Math.max(...perColour.values())).toBe(2);
    // Up to 20 runs: all colours different.
    expect(new Set([...assignStyles(names.slice(0, 20)).values()].map((s) => s.color)).size).toBe(20);
  });
});
