import '@cnnlab/arch-lenet';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '@cnnlab/trainer';
import { gridValues, loadSweepSpec, planTrials, trialOptions, validateSweepSpec, type SweepSpecInput } from '../src/index.js';
import { GRID_SPEC, TINY } from './helpers/specs.js';

const tmp = mkdtempSync(join(tmpdir(), 'cnnlab-spec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = { arch: 'bn-lenet', epochs: 1, ...TINY };
const spec = (over: Record<string, unknown>): unknown => ({ method: 'grid', base, parameters: { lr: { values: [0.1] } }, ...over });

describe('sweep specs', () => {
  it.each([
    [{ method: 'bayes' }, /method must be "grid" or "random", got "bayes"/],
    [{ parameters: { lr: { values: [] } } }, /parameters\["lr"\]\.values is empty/],
    [{ parameters: { lr: { min: 1, max: 0.1, steps: 3 } } }, /parameters\["lr"\]: min 1 is greater than max 0\.1/],
    [{ parameters: { 'optimiser.name': { values: ['sgd'] } } }, /unknown parameter path "optimiser\.name" \(did you mean "optimizer\.name"\?\)/],
    [{ parameters: { optimizer: { values: ['sgd'] } } }, /unknown parameter path "optimizer" \(use "optimizer\.name"\)/],
    [{ parameters: { 'optimizer.name': { values: ['sgd', 'sgdd'] } } }, /parameters\["optimizer\.name"\]\.values\[1\] = "sgdd": optimizer must be sgd, adam or adamw, got sgdd/],
    [{ parameters: { 'archOptions.colour': { values: ['red'] } } }, /parameters\["archOptions\.colour"\]\.values\[0\] = "red": Unknown option "colour" for "bn-lenet"/],
    [{ parameters: { lr: { values: [0.1], choice: [0.2] } } }, /parameters\["lr"\] must have exactly one of values, choice or min\/max/],
    [{ parameters: { lr: { min: 0.01, max: 1 } } }, /parameters\["lr"\]: a grid needs a finite list; give values, or steps/],
    [{ method: 'random', parameters: { lr: { min: 0, max: 1, log: true } }, trials: 2 }, /parameters\["lr"\]: a log range needs min > 0/],
    [{ method: 'random' }, /trials must be a positive integer for a random sweep/],
    [{ trials: 3 }, /trials applies to method "random" only/],
    [{ parameters: {} }, /parameters is empty/],
    [{ metric: 'testAcc' }, /metric must be "valLoss" or "valAcc" \(validation metrics only\)/],
    [{ metrc: 'valAcc' }, /spec: unknown field "metrc"/],
    [{ pruning: { rule: 'hyperband' } }, /pruning\.rule must be "median" or "halving"/],
    [{ pruning: { rule: 'halving', eta: 1 } }, /pruning\.eta must be an integer ≥ 2/],
    [{ pruning: { rule: 'halving' }, parameters: { epochs: { values: [1, 2] } } }, /parameters\["epochs"\]: with successive halving the rungs set the epochs/],
    [{ parameters: { augment: { values: ['standard', 'flip,blur'] } } }, /parameters\["augment"\]\.values\[1\] = "flip,blur": augment "flip,blur": token "blur" is not an augmentation op/],
    [{ base: { arch: 'no-such-net' } }, /base: Unknown architecture "no-such-net"/],
    [{ base: { ...base, lr: -1 } }, /base: lr must be a positive number, got -1/],
  ])('rejects %j with a clear error', (over, message) => {
    expect(() => planTrials(validateSweepSpec(spec(over)))).toThrow(message);
  });

  it('checks every combination before training, naming the trial', () => {
    const s = validateSweepSpec(spec({ parameters: { 'optimizer.momentum': { values: [0, 0.9] }, 'optimizer.nesterov': { values: [true] } } }));
    expect(() => planTrials(s)).toThrow(/trial-000 \(optimizer\.momentum=0, optimizer\.nesterov=true\): optimizer\.nesterov needs a momentum > 0/);
  });

  it('searches augmentation as a dimension, each trial recording its canonical spec', () => {
    const s = validateSweepSpec(spec({ parameters: { augment: { values: ['off', 'standard', 'crop:2,mixup:0.2'] } } }));
    const trials = planTrials(s);
    expect(trials.map((t) => t.params.augment)).toEqual(['off', 'standard', 'crop:2,mixup:0.2']);
    expect(trials.map((t) => resolveTrainConfig(trialOptions(s, t.params)).augment)).toEqual(['off', 'crop:4,flip:0.5', 'crop:2,mixup:0.2']);
  });

  it('fills defaults', () => {
    const s = validateSweepSpec(spec({ pruning: { rule: 'median' } }), { defaultName: 'mine' });
    expect(s).toMatchObject({ name: 'mine', seed: 0, metric: 'valLoss', test: true, pruning: { rule: 'median', warmup: 1, minTrials: 2 } });
    expect(validateSweepSpec(spec({ pruning: { rule: 'halving' } })).pruning).toEqual({ rule: 'halving', eta: 3, minEpochs: 1, maxEpochs: 1 });
  });

  it('plans a grid in row-major order (first parameter slowest), with dotted paths into TrainOptions', () => {
    const trials = planTrials(validateSweepSpec(GRID_SPEC));
    expect(trials.map((t) => [t.name, t.params])).toEqual([
      ['trial-000', { lr: 0.1, 'archOptions.normPosition': 'before' }],
      ['trial-001', { lr: 0.1, 'archOptions.normPosition': 'after' }],
      ['trial-002', { lr: 0.5, 'archOptions.normPosition': 'before' }],
      ['trial-003', { lr: 0.5, 'archOptions.normPosition': 'after' }],
    ]);
    const options = trialOptions(validateSweepSpec({ ...GRID_SPEC, base: { ...GRID_SPEC.base, optimizer: 'sgd' } }), { 'optimizer.momentum': 0.9, 'archOptions.normPosition': 'after' });
    expect(options.optimizer).toEqual({ name: 'sgd', momentum: 0.9 });
    expect(options.archOptions).toEqual({ normPosition: 'after' });
  });

  it('sweeps the EMA decay, checked like the trainer checks it', () => {
    const trials = planTrials(validateSweepSpec(spec({ parameters: { ema: { values: [0, 0.99, 0.999] } } })));
    expect(trials.map((t) => trialOptions({ base }, t.params).ema)).toEqual([0, 0.99, 0.999]);
    expect(() => planTrials(validateSweepSpec(spec({ parameters: { ema: { values: [1] } } })))).toThrow(/parameters\["ema"\]\.values\[0\] = 1: ema must be in \[0, 1\)/);
  });

  it('spaces grid ranges evenly or geometrically', () => {
    expect(gridValues({ min: 0.001, max: 0.1, log: true, steps: 3 })).toEqual([0.001, 0.01, 0.1]);
    expect(gridValues({ min: 16, max: 64, integer: true, steps: 4 })).toEqual([16, 32, 48, 64]);
  });

  it('samples a random sweep reproducibly from its seed, within the ranges', () => {
    const input: SweepSpecInput = {
      method: 'random', trials: 12, seed: 5, base,
      parameters: { lr: { min: 0.01, max: 1, log: true }, batchSize: { min: 16, max: 64, integer: true }, 'optimizer.name': { choice: ['sgd', 'adam'] } },
    };
    const a = planTrials(validateSweepSpec(input));
    expect(planTrials(validateSweepSpec(input))).toEqual(a);
    expect(planTrials(validateSweepSpec({ ...input, seed: 6 }))).not.toEqual(a);
    for (const t of a) {
      expect(t.params.lr).toBeGreaterThanOrEqual(0.01);
      expect(t.params.lr).toBeLessThanOrEqual(1);
      expect(Number.isInteger(t.params.batchSize)).toBe(true);
      expect(['sgd', 'adam']).toContain(t.params['optimizer.name']);
    }
    expect(new Set(a.map((t) => t.params['optimizer.name'])).size).toBe(2);
  });

  it('loads YAML and JSON files, naming the file in errors', () => {
    const yaml = join(tmp, 'lr-search.yaml');
    writeFileSync(yaml, 'method: grid\nbase: {arch: bn-lenet, epochs: 1}\nparameters:\n  lr: {values: [0.1, 0.3]}\n  archOptions.normPosition: {values: [before, after]}\n');
    const loaded = loadSweepSpec(yaml);
    expect(loaded.name).toBe('lr-search');
    expect(planTrials(loaded)).toHaveLength(4);
    const json = join(tmp, 'bad.json');
    writeFileSync(json, JSON.stringify({ method: 'grid', base, parameters: { lr: { values: [] } } }));
    expect(() => loadSweepSpec(json)).toThrow(/bad\.json: parameters\["lr"\]\.values is empty/);
    expect(() => loadSweepSpec(join(tmp, 'missing.yaml'))).toThrow(/Cannot read sweep spec .*missing\.yaml: no such file/);
  });
});
