import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMacs } from '@cnnlab/analysis/formulas';
import { TAGS } from '@cnnlab/trainer';
import { curveRoles, historyFromSeries } from '../server/history.js';
import { formatBytes as fBytes, formatCount as fCount, formatMacs as fMacs, formatDuration, formatPercent } from '../src/lib/format.js';
import { edfAt as searchEdfAt, reportThresholds } from '@cnnlab/search';
import { dominanceText, edfAt, edfPoints, edfRange, edfThresholds } from '../src/lib/edf.js';
import { rowShares, shareColor, stripThumbnailStyle, thumbnailZoom } from '../src/lib/confusion.js';
import { axesThatFit, defaultAxes, MIN_AXIS_SPACING, plotMargins, plotWidth } from '../src/lib/pc-axes.js';
import { formatHash, parseHash } from '../src/lib/route.js';
import { linearTicks, logTicks, niceDomain, scale, tickLabel } from '../src/lib/scale.js';
import { smooth } from '../src/lib/smooth.js';

describe('smooth (TensorBoard\'s debiased exponential moving average)', () => {
  it('returns the values unchanged at weight 0, and for a constant series', () => {
    expect(smooth([1, 5, 2], 0)).toEqual([1, 5, 2]);
    expect(smooth([3, 3, 3], 0.9)).toEqual([3, 3, 3]);
  });

  it('is debiased: the first point is the first value, later ones are weighted averages', () => {
    const w = 0.6;
    const out = smooth([1, 2, 4], w);
    expect(out[0]).toBeCloseTo(1, 12);
    // (1-w)·(w·1 + 2) / (1 - w²)
    expect(out[1]).toBeCloseTo(((1 - w) * (w * 1 + 2)) / (1 - w ** 2), 12);
    expect(out[2]).toBeCloseTo(((1 - w) * (w * w * 1 + w * 2 + 4)) / (1 - w ** 3), 12);
  });

  it('passes non-finite values through without letting them into the average', () => {
    const out = smooth([1, null, NaN, 3], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25), 12);
  });

  it('refuses weights outside [0, 1)', () => {
    expect(() => smooth([1], 1)).toThrow(RangeError);
    expect(() => smooth([1], -0.1)).toThrow(RangeError);
  });
});

describe('formats', () => {
  it('are analysis\'s own (one unit convention: binary bytes)', () => {
    expect(fCount).toBe(formatCount);
    expect(fMacs).toBe(formatMacs);
    expect(fBytes).toBe(formatBytes);
    expect(fBytes(171_999_232)).toBe('164.03 MiB');
    expect(formatPercent(0.1834)).toBe('18.3%');
    expect(formatPercent(Number.NaN)).toBe('–');
  });

  it('durations', () => {
    expect(formatDuration(5)).toBe('5.0s');
    expect(formatDuration(200)).toBe('3m 20s');
    expect(formatDuration(3720)).toBe('1h 02m');
  });
});

describe('scales and ticks', () => {
  it('linear ticks are round and cover the domain', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(1, 10, 5)).toEqual([2, 4, 6, 8, 10]);
    expect(niceDomain(0.23, 0.87)).toEqual([0.2, 1]);
    expect(niceDomain(2, 2)).toEqual([1.8, 2.2]);
  });

  it('log ticks are powers of ten (with 2 and 5 on short ranges)', () => {
    expect(logTicks(1e3, 1e7)).toEqual([1e3, 1e4, 1e5, 1e6, 1e7]);
    expect(logTicks(0.1, 3)).toEqual([0.1, 0.2, 0.5, 1, 2]);
    const s = scale([1, 100], [0, 200], { log: true });
    expect(s(10)).toBeCloseTo(100, 9);
  });

  it('tick labels', () => {
    expect(tickLabel(0.30000000000000004)).toBe('0.3');
    expect(tickLabel(2_500_000)).toBe('2.5M');
  });
});

describe('routes', () => {
  it('round-trips run names with "/", "," and "%"', () => {
    const runs = ['a/b', 'odd,name', '100%', '.'];
    const hash = formatHash({ tab: 'curves', runs });
    expect(parseHash(hash)).toEqual({ tab: 'curves', runs, arch: null, sweep: null, search: null });
    expect(parseHash('#/complexity?arch=resnet18-d2l')).toMatchObject({ tab: 'complexity', arch: 'resnet18-d2l' });
    expect(parseHash('#/nonsense').tab).toBe('runs');
  });

  it('names the sweep and the search shown', () => {
    const sweeps = formatHash({ tab: 'sweeps', sweep: 'sweeps/lr,1' });
    expect(sweeps).toBe('#/sweeps?sweep=sweeps%2Flr%2C1');
    expect(parseHash(sweeps)).toMatchObject({ tab: 'sweeps', sweep: 'sweeps/lr,1', search: null });
    expect(parseHash(formatHash({ tab: 'search', search: '.' }))).toMatchObject({ tab: 'search', search: '.' });
    expect(formatHash({ tab: 'runs', sweep: 'x', search: 'y' })).toBe('#/runs');
  });

  it('keeps the hyper-parameters tab\'s chosen axes, and only there', () => {
    const hash = formatHash({ tab: 'hparams', axes: ['arch', 'optimizer.lr', 'best_val_accuracy'] });
    expect(hash).toBe('#/hparams?axes=arch,optimizer.lr,best_val_accuracy');
    expect(parseHash(hash).axes).toEqual(['arch', 'optimizer.lr', 'best_val_accuracy']);
    expect(formatHash({ tab: 'runs', axes: ['lr'] })).toBe('#/runs');
    expect(parseHash('#/hparams').axes).toBeUndefined();
  });
});

describe('parallel-coordinates axes', () => {
  it('shows every differing hyper-parameter and metric when they fit', () => {
    expect(defaultAxes(['arch', 'lr'], ['val_acc', 'val_loss'], 6, 'val_acc')).toEqual(['arch', 'lr', 'val_acc', 'val_loss']);
  });

  it('otherwise keeps the colouring metric and the first hyper-parameters that differ, hyper-parameters first', () => {
    const hp = ['arch', 'batch_size', 'epochs', 'lr', 'optimizer'];
    expect(defaultAxes(hp, ['val_loss', 'val_acc', 'test_acc'], 4, 'val_acc')).toEqual(['arch', 'batch_size', 'epochs', 'val_acc']);
    expect(defaultAxes(['arch'], ['val_loss', 'val_acc', 'test_acc'], 3, 'val_acc')).toEqual(['arch', 'val_loss', 'val_acc']);
    expect(defaultAxes(hp, [], 3)).toEqual(['arch', 'batch_size', 'epochs']);
  });

  it('fits as many axes as leave MIN_AXIS_SPACING between them, and widens the plot for more', () => {
    const phone = 330;
    const fit = axesThatFit(phone);
    const { left, right } = plotMargins(phone);
    expect((phone - left - right) / (fit - 1)).toBeGreaterThanOrEqual(MIN_AXIS_SPACING);
    expect((phone - left - right) / fit).toBeLessThan(MIN_AXIS_SPACING);
    expect(plotWidth(phone, fit)).toBe(phone);
    expect(plotWidth(phone, fit + 3)).toBe(left + right + (fit + 2) * MIN_AXIS_SPACING);
    expect(axesThatFit(1340)).toBeGreaterThan(15);
  });
});

describe('EDF curves and the dominance statement', () => {
  const spaces = [{ name: 'AnyNetX_A', finished: 8 }, { name: 'AnyNetX_E', finished: 8 }];

  it('states the dominating space as the course does', () => {
    expect(dominanceText({ dominant: 'AnyNetX_E', pairs: [{ a: 'AnyNetX_A', b: 'AnyNetX_E', relation: 'b-dominates' }] }, spaces))
      .toBe("AnyNetX_E's EDF lies above AnyNetX_A's: its models are better on the whole.");
    const three = [...spaces, { name: 'AnyNetX_B', finished: 8 }];
    expect(dominanceText({ dominant: 'AnyNetX_E', pairs: [] }, three)).toBe("AnyNetX_E's EDF lies above those of AnyNetX_A and AnyNetX_B: its models are better on the whole.");
  });

  it('says how the curves relate when none dominates', () => {
    expect(dominanceText({ dominant: null, pairs: [{ a: 'AnyNetX_A', b: 'AnyNetX_E', relation: 'cross' }] }, spaces))
      .toBe('The EDFs of AnyNetX_A and AnyNetX_E cross: neither space is better on the whole.');
    expect(dominanceText({ dominant: null, pairs: [{ a: 'AnyNetX_A', b: 'AnyNetX_E', relation: 'equal' }] }, spaces))
      .toBe('AnyNetX_A and AnyNetX_E have the same EDF: neither space is better on the whole.');
    const three = [...spaces, { name: 'AnyNetX_B', finished: 8 }];
    expect(dominanceText({ dominant: null, pairs: [
      { a: 'AnyNetX_A', b: 'AnyNetX_E', relation: 'b-dominates' }, { a: 'AnyNetX_A', b: 'AnyNetX_B', relation: 'a-dominates' }, { a: 'AnyNetX_E', b: 'AnyNetX_B', relation: 'cross' },
    ] }, three)).toBe("AnyNetX_E's EDF lies above AnyNetX_A's; AnyNetX_A's EDF lies above AnyNetX_B's; the EDFs of AnyNetX_E and AnyNetX_B cross: no space is better than all the others on the whole.");
    expect(dominanceText({ dominant: null, pairs: [] }, [spaces[0]!, { name: 'AnyNetX_E', finished: 0 }])).toBe('No finished models in AnyNetX_E yet: the spaces cannot be compared.');
    expect(dominanceText({ dominant: null, pairs: [] }, [spaces[0]!])).toMatch(/^Only one design space/);
  });

  it('draws each EDF from 0 below the smallest error to 1 above the largest', () => {
    expect(edfRange([0.725, 0.875])).toEqual([0.7, 0.9]);
    expect(edfRange([0.7, 0.9])).toEqual([0.65, 0.95]);
    expect(edfRange([0.01, 1])).toEqual([0, 1]);
    expect(edfPoints([{ error: 0.3, fraction: 0.5 }, { error: 0.4, fraction: 1 }], [0.25, 0.45])).toEqual([
      { x: 0.25, y: 0 }, { x: 0.3, y: 0.5 }, { x: 0.4, y: 1 }, { x: 0.45, y: 1 },
    ]);
    expect(edfPoints([], [0, 1])).toEqual([]);
  });

  it('tabulates F(e) at the thresholds `cnnlab search report` shows, with the same values', () => {
    const errors = [0.7667, 0.85, 0.8833, 0.75, 0.8, 0.85];
    expect(edfThresholds(errors)).toEqual(reportThresholds(errors));
    for (const t of [...edfThresholds(errors), 0, 0.8, 1, 1.2]) expect(edfAt(errors, t)).toBe(searchEdfAt(errors, t));
    expect(edfAt([], 0.5)).toBe(0);
  });
});

describe('curve roles and per-epoch history', () => {
  it('recognises cnnlab, PyTorch and Keras names, then tags naming loss/accuracy with train/val', () => {
    expect(curveRoles([TAGS.trainLoss, TAGS.valLoss, TAGS.trainAcc, TAGS.valAcc, TAGS.lr, TAGS.batchLoss])).toEqual({
      trainLoss: 'train/loss', valLoss: 'val/loss', trainAcc: 'train/accuracy', valAcc: 'val/accuracy',
    });
    expect(curveRoles(['loss', 'val_loss', 'accuracy', 'val_accuracy'])).toEqual({ trainLoss: 'loss', valLoss: 'val_loss', trainAcc: 'accuracy', valAcc: 'val_accuracy' });
    expect(curveRoles(['Loss/training', 'Loss/validation', 'acc_train', 'acc_valid', 'batch/loss_train'])).toEqual({
      trainLoss: 'Loss/training', valLoss: 'Loss/validation', trainAcc: 'acc_train', valAcc: 'acc_valid',
    });
    expect(curveRoles(['lr', 'grad_norm'])).toEqual({});
  });

  it('joins the series by step, as `cnnlab diagnose` does', () => {
    const p = (step: number, value: number) => ({ step, wallTime: step, value });
    const series = new Map([
      ['Loss/train', [p(1, 2), p(2, 1.5), p(3, 1.2)]],
      ['Loss/val', [p(1, 2.1), p(2, 1.7), p(3, 1.6), p(4, 1.5)]],
      ['Accuracy/val', [p(2, 0.6)]],
    ]);
    expect(historyFromSeries(series)).toEqual([
      { epoch: 1, trainLoss: 2, valLoss: 2.1 },
      { epoch: 2, trainLoss: 1.5, valLoss: 1.7, valAcc: 0.6 },
      { epoch: 3, trainLoss: 1.2, valLoss: 1.6 },
    ]);
  });
});

describe('confusion-matrix colours', () => {
  it('normalises each row by its true class\'s images (a row of none stays 0)', () => {
    expect(rowShares([[3, 1], [0, 0], [2, 6]])).toEqual([[0.75, 0.25], [0, 0], [0.25, 0.75]]);
  });

  it('goes from white (nothing) to deep blue (the whole row), darker with every share', () => {
    expect(shareColor(0)).toBe('rgb(255,255,255)');
    expect(shareColor(1)).toBe('rgb(30,64,175)');
    const red = (c: string) => Number(c.slice(4).split(',')[0]);
    const reds = [0.05, 0.2, 0.5, 0.8].map((v) => red(shareColor(v)));
    expect(reds).toEqual([...reds].sort((a, b) => b - a));
    expect(new Set(reds).size).toBe(4);
  });
});

describe('confusion example thumbnails', () => {
  it('enlarge by a whole factor to about 84 px: 3x for 28 px and 32 px, never below 1x', () => {
    expect([thumbnailZoom(28, 28), thumbnailZoom(32, 32), thumbnailZoom(64, 48), thumbnailZoom(224, 224), thumbnailZoom(8, 8)]).toEqual([3, 3, 1, 1, 11]);
  });

  it('show thumbnail k of a strip by scaling the strip and shifting it k thumbnails left', () => {
    expect(stripThumbnailStyle('/api/x.png?a=1', 2, 5, 28, 28, 3)).toBe('width:84px;height:84px;background-image:url("/api/x.png?a=1");background-size:420px 84px;background-position:-168px 0');
    expect(stripThumbnailStyle('/q"', 0, 1, 2, 4, 2)).toBe('width:8px;height:4px;background-image:url("/q\\"");background-size:8px 4px;background-position:0px 0');
  });
});
