import { describe, expect, it } from 'vitest';
import type { RunHParams, RunSummary } from '../server/types.js';
import { groupByValue } from '../src/lib/groups.js';
import { formatHash, parseHash } from '../src/lib/route.js';
import { ExpressionError, parseExpression, type Value } from '../src/lib/run-table/expression.js';
import { fieldsOf, fieldValue, isSummaryField } from '../src/lib/run-table/fields.js';
import { visibleRows } from '../src/lib/run-table/window.js';

const fields = (o: Record<string, Value>) => (name: string) => (name in o ? o[name] : undefined);
const test = (src: string, o: Record<string, Value>) => parseExpression(src).test(fields(o));

describe('expression filter', () => {
  it('compares numbers, combines with && || ! and parentheses, in the usual precedence', () => {
    const run = { lr: 0.05, val_acc: 0.85, optimizer: 'adam' };
    expect(test('lr<0.1 && val_acc>0.8', run)).toBe(true);
    expect(test('lr<0.01 && val_acc>0.8', run)).toBe(false);
    expect(test('lr<0.01 || val_acc>=0.85', run)).toBe(true);
    expect(test('!(lr<0.1)', run)).toBe(false);
    // && binds tighter than ||
    expect(test('lr > 1 && val_acc > 0 || optimizer == "adam"', run)).toBe(true);
    expect(test('lr > 1 && (val_acc > 0 || optimizer == "adam")', run)).toBe(false);
    expect(test('lr = 5e-2', run)).toBe(true);
    expect(test('lr != .05', run)).toBe(false);
  });

  it('compares strings case-insensitively, and a missing field makes a comparison false', () => {
    expect(test("optimizer == 'ADAM'", { optimizer: 'adam' })).toBe(true);
    expect(test('optimizer != "sgd"', { optimizer: 'adam' })).toBe(true);
    expect(test('lr < 0.1', {})).toBe(false);
    expect(test('lr != 0.1', {})).toBe(false);
    expect(test('!test_acc', {})).toBe(true);
    expect(test('test_acc', { test_acc: 0.9 })).toBe(true);
    expect(test('batch_size >= 128', { batch_size: '256' })).toBe(true);
  });

  it('reads names with slashes, dots and dashes, and lists them', () => {
    const e = parseExpression('best/val_accuracy > 0.5 && arch_options.depth <= 4 && data-fraction < 1');
    expect(e.names).toEqual(['best/val_accuracy', 'arch_options.depth', 'data-fraction']);
    expect(e.test(fields({ 'best/val_accuracy': 0.6, 'arch_options.depth': 4, 'data-fraction': 0.5 }))).toBe(true);
  });

  it('says what is wrong and where, never evaluating code', () => {
    expect(() => parseExpression('lr <')).toThrow(/ends too early \(at character 5\)/);
    expect(() => parseExpression('(lr < 1')).toThrow(/Expected "\)" before the end/);
    expect(() => parseExpression('lr < 1 lr')).toThrow(/Unexpected "lr" \(at character 8\)/);
    expect(() => parseExpression('lr; process.exit()')).toThrow(ExpressionError);
    expect(() => parseExpression('"open')).toThrow(/Unclosed string/);
  });
});

function summary(name: string, o: Partial<RunSummary> = {}): RunSummary {
  return {
    name, kind: 'cnnlab', arch: 'lenet', status: 'finished', epochs: 10, epochsPlanned: 10, bestEpoch: 4, bestValAcc: 0.75, bestValLoss: 0.6,
    testAcc: null, split: 'seeded', params: 61706, imagesPerSecond: 1200, startedAt: null, tags: [], lastStep: 10, lastWallTime: null, eventFiles: 1, cursor: 'x',
    roles: {}, warnings: [], fit: null, seedGroup: null, ...o,
  };
}
const hp = (run: string, hparams: RunHParams['hparams'], metrics: RunHParams['metrics'] = {}): RunHParams => ({ run, arch: 'lenet', status: 'finished', source: 'config', hparams, metrics });

describe('run fields', () => {
  it('reads the summary under short names, config keys with or without their section, and metrics', () => {
    const r = fieldsOf(summary('a', { bestValAcc: 0.81, testAcc: 0.8 }), hp('a', { 'optimizer.lr': 0.1, 'data.batch-size': 128, optimizer: 'sgd' }, { final_val_loss: 0.5 }));
    expect(fieldValue(r, 'val_acc')).toBe(0.81);
    expect(fieldValue(r, 'best_val_accuracy')).toBe(0.81);
    expect(fieldValue(r, 'test_acc')).toBe(0.8);
    expect(fieldValue(r, 'lr')).toBe(0.1);
    expect(fieldValue(r, 'optimizer.lr')).toBe(0.1);
    expect(fieldValue(r, 'batch_size')).toBe(128);
    expect(fieldValue(r, 'optimizer')).toBe('sgd');
    expect(fieldValue(r, 'final_val_loss')).toBe(0.5);
    expect(fieldValue(r, 'momentum')).toBeUndefined();
    expect(fieldValue(fieldsOf(summary('b', { testAcc: null }), undefined), 'test_acc')).toBeUndefined();
    expect(fieldValue(fieldsOf(summary('c', { split: 'official' }), undefined), 'split')).toBe('official');
    expect(isSummaryField('val_acc')).toBe(true);
    expect(isSummaryField('lr')).toBe(false);
  });

  it('groups runs by a value, runs without it last', () => {
    const runs = [summary('a'), summary('b'), summary('c'), summary('d')];
    const lr: Record<string, number> = { a: 0.1, b: 0.01, c: 0.1 };
    const groups = groupByValue(runs, (r) => lr[r.name]);
    expect(groups.map((g) => [g.key, g.runs.map((r) => r.name)])).toEqual([['0.1', ['a', 'c']], ['0.01', ['b']], ['(none)', ['d']]]);
    expect(groups.every((g) => g.kind === 'value')).toBe(true);
  });
});

describe('row window', () => {
  it('renders only the rows in view plus a margin; spacers stand for the rest', () => {
    const w = visibleRows(10_000, 30, 3000, 900, 5);
    expect(w).toEqual({ start: 95, end: 135, before: 95 * 30, after: (10_000 - 135) * 30 });
    expect(visibleRows(10, 30, 0, 900)).toEqual({ start: 0, end: 10, before: 0, after: 0 });
    expect(visibleRows(100, 30, 99_999, 900, 0)).toMatchObject({ start: 100, end: 100, after: 0 });
    expect(visibleRows(0, 30, 0, 900)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });
});

describe('view state in the URL', () => {
  it('keeps the Runs table\'s filter, expression, columns and grouping, and Curves\' smoothing, axis and tags', () => {
    const runs = formatHash({ tab: 'runs', runs: [], filter: 'lenet|vgg', where: 'lr<0.1 && val_acc>0.8', cols: ['lr', 'a,b'], group: 'optimizer' });
    expect(parseHash(runs)).toMatchObject({ tab: 'runs', filter: 'lenet|vgg', where: 'lr<0.1 && val_acc>0.8', cols: ['lr', 'a,b'], group: 'optimizer' });
    const curves = formatHash({ tab: 'curves', runs: ['a'], smoothing: 0.6, x: 'relative', tags: 'loss|lr', where: 'x' });
    expect(parseHash(curves)).toMatchObject({ tab: 'curves', runs: ['a'], smoothing: 0.6, x: 'relative', tags: 'loss|lr' });
    expect(parseHash(curves).where).toBeUndefined();
    expect(parseHash('#/curves?smoothing=7&x=sideways')).toEqual({ tab: 'curves', runs: [], arch: null, sweep: null, search: null });
    expect(formatHash({ tab: 'curves', smoothing: 0, x: 'step' })).toBe('#/curves');
  });
});
