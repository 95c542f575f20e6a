import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../server/types.js';
import { withGaps } from '../src/lib/gaps.js';
import { filterRegex, groupOf, groupRuns, isSummaryRun, runMatches } from '../src/lib/groups.js';
import { layoutLabels, textWidth } from '../src/lib/label-layout.js';
import { middleEllipsis, shortNames } from '../src/lib/names.js';
import { assignStyles, runStyle, STYLE_COUNT } from '../src/lib/run-style.js';
import { meanOverRuns } from '../src/lib/seed-mean.js';

const run = (name: string, o: Partial<RunSummary> = {}) => ({ name, arch: 'lenet', status: 'finished', ...o }) as RunSummary;

describe('run styles', () => {
  it('come from the run path alone, so other runs appearing change nothing', () => {
    const names = Array.from({ length: 30 }, (_, i) => `sweeps/lr/trial-${i}`);
    const before = assignStyles(names.slice(0, 10));
    const after = assignStyles([...names.slice(0, 10), 'a-new-run-listed-first']);
    for (const n of names.slice(0, 10)) expect(runStyle(n)).toEqual(runStyle(n));
    // Only runs drawn together move apart: a new run unselected leaves the drawn ones as they were.
    expect([...assignStyles(names.slice(0, 10))]).toEqual([...before]);
    expect(after.get('a-new-run-listed-first')).toBeDefined();
  });

  it('give 30 runs drawn together 30 different colour and dash combinations', () => {
    expect(STYLE_COUNT).toBeGreaterThanOrEqual(30);
    const styles = assignStyles(Array.from({ length: 30 }, (_, i) => `run-${i}`));
    expect(new Set([...styles.values()].map((s) => `${s.color}/${s.dash}`)).size).toBe(30);
  });
});

describe('short run names', () => {
  it('drop the folders all runs share and cut long names in the middle', () => {
    const names = shortNames(['sweeps/lenet-lr/trial-001-lr-0.02', 'sweeps/lenet-lr/trial-002-lr-0.1']);
    expect(names.get('sweeps/lenet-lr/trial-001-lr-0.02')).toBe('trial-001-lr-0.02');
    expect(middleEllipsis('experiments/2025-01-02/a-very-long-descriptive-run-name-seed-3', 24)).toMatch(/^.{9}….{14}$/);
    expect(middleEllipsis('experiments/2025-01-02/a-very-long-descriptive-run-name-seed-3', 24).endsWith('name-seed-3')).toBe(true);
    expect(shortNames(['only/one']).get('only/one')).toBe('only/one');
  });
});

describe('gaps', () => {
  it('break a curve where epochs are missing', () => {
    const points = [1, 2, 3, 5, 6].map((step) => ({ step, value: step }));
    const out = withGaps(points, (p) => ({ x: p.step, y: p.value as number | null }), (a, b) => ({ x: (a.step + b.step) / 2, y: null }));
    expect(out).toEqual([{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: 3 }, { x: 4, y: null }, { x: 5, y: 5 }, { x: 6, y: 6 }]);
    const even = [0, 10, 20, 30].map((step) => ({ step }));
    expect(withGaps(even, (p) => p.step, () => -1)).toEqual([0, 10, 20, 30]);
  });
});

describe('label layout', () => {
  it('keeps labels inside the plot and apart, and gives up when the rows are full', () => {
    const w = textWidth('overfitting (trial-001)');
    const placed = layoutLabels([{ x: 100, width: w }, { x: 110, width: w }, { x: 590, width: w }], 600, 2);
    expect(placed.every((p) => p !== null)).toBe(true);
    const [a, b, c] = placed as { left: number; row: number }[];
    expect(a!.row === b!.row ? a!.left + w <= b!.left || b!.left + w <= a!.left : true).toBe(true);
    expect(c!.left + w).toBeLessThanOrEqual(600);
    expect(layoutLabels([{ x: 100, width: w }, { x: 100, width: w }, { x: 100, width: w }], 600, 2).filter((p) => p === null)).toHaveLength(1);
  });
});

describe('groups and filter', () => {
  const studies = { sweeps: ['sweeps/lenet-lr'], searches: ['search/anynet'] };
  it('groups by sweep, search, then folder', () => {
    expect(groupOf('sweeps/lenet-lr/trial-1', studies)).toEqual({ key: 'sweeps/lenet-lr', kind: 'sweep' });
    expect(groupOf('search/anynet/AnyNetX_A/model-001', studies)).toEqual({ key: 'search/anynet', kind: 'search' });
    expect(groupOf('pytorch/exp', studies)).toEqual({ key: 'pytorch', kind: 'folder' });
    expect(groupOf('lenet', studies)).toEqual({ key: '', kind: 'top' });
    const groups = groupRuns([run('lenet'), run('sweeps/lenet-lr/t1'), run('other'), run('sweeps/lenet-lr/t2')], studies);
    expect(groups.map((g) => [g.key, g.runs.map((r) => r.name)])).toEqual([['', ['lenet', 'other']], ['sweeps/lenet-lr', ['sweeps/lenet-lr/t1', 'sweeps/lenet-lr/t2']]]);
  });

  it('knows summary runs and filters by regular expression', () => {
    expect(isSummaryRun(run('search/anynet/edf-AnyNetX_A'))).toBe(true);
    expect(isSummaryRun(run('search/anynet/AnyNetX_A/model-001'))).toBe(false);
    expect(runMatches(run('sweeps/x/trial-3'), filterRegex('trial-[23]$'))).toBe(true);
    expect(runMatches(run('sweeps/x/trial-4'), filterRegex('trial-[23]$'))).toBe(false);
    expect(filterRegex('(')).toBeInstanceOf(Error);
    expect(filterRegex('  ')).toBeNull();
  });
});

describe('mean over seeds', () => {
  it('averages each step and gives the standard deviation', () => {
    const mean = meanOverRuns([[{ step: 1, value: 1 }, { step: 2, value: 2 }], [{ step: 1, value: 3 }, { step: 2, value: null }, { step: 3, value: 9 }]]);
    expect(mean).toEqual([{ step: 1, mean: 2, sd: 1, n: 2 }]);
  });
});
