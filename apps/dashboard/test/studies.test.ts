/**
 * GET /api/sweeps, /api/sweeps/:sweep, /api/searches, /api/searches/:search on a real (tiny) sweep and
 * design-space search run by @cnnlab/search, plus damaged files and refused paths.
 */
import { cpSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import '@cnnlab/arch-lenet';
import {
  dominantSpace, edfCurve, rankTrials, runDesignSpaceSearch, runSweep, type SearchState, type SweepSpecInput, type SweepState,
} from '@cnnlab/search';
import { createDashboardApp } from '../server/index.js';
import type { SearchesResponse, SearchResponse, SweepResponse, SweepsResponse } from '../server/types.js';
import { tempDir } from './fixtures.js';

const logdir = tempDir('dashboard-studies-');
const outside = tempDir('dashboard-studies-outside-');
const enc = (name: string) => encodeURIComponent(name).replace(/\./g, '%2E');
let app: ReturnType<typeof createDashboardApp>;
let sweep: SweepState;
let search: SearchState;

/** Three learning rates, successive halving (η = 2, rungs of 1 and 2 epochs): one trial is promoted, two are pruned. */
const HALVING_SPEC: SweepSpecInput = {
  name: 'lenet-lr',
  method: 'grid',
  metric: 'valLoss',
  base: { arch: 'lenet', archOptions: { activation: 'relu' }, epochs: 2, dataset: { limit: 300 }, batchSize: 32, logEveryBatches: 0 },
  parameters: { lr: { values: [0.02, 0.1, 0.3] } },
  pruning: { rule: 'halving', eta: 2, minEpochs: 1, maxEpochs: 2 },
};

beforeAll(async () => {
  sweep = await runSweep(HALVING_SPEC, { dir: join(logdir, 'sweeps', 'lenet-lr') });
  search = await runDesignSpaceSearch({
    dir: join(logdir, 'search', 'ae'), samplesPerSpace: 2, epochs: 1, input: [1, 16, 16], datasetLimit: 200, stages: 2, stemChannels: 8, seed: 3,
    ranges: { depth: [1, 2], width: [8, 16], groupWidth: [4, 8] },
  });
  // Damaged files.
  mkdirSync(join(logdir, 'sweeps', 'broken'), { recursive: true });
  writeFileSync(join(logdir, 'sweeps', 'broken', 'sweep.json'), '{"version": 1, "kind": "sweep", "trials": [');
  mkdirSync(join(logdir, 'sweeps', 'no-trials'), { recursive: true });
  writeFileSync(join(logdir, 'sweeps', 'no-trials', 'sweep.json'), JSON.stringify({ version: 1, kind: 'sweep', name: 'x', spec: { parameters: {} } }));
  mkdirSync(join(logdir, 'sweeps', 'wrong-kind'), { recursive: true });
  writeFileSync(join(logdir, 'sweeps', 'wrong-kind', 'sweep.json'), JSON.stringify({ ...search, kind: 'design-space-search' }));
  mkdirSync(join(logdir, 'search', 'broken'), { recursive: true });
  writeFileSync(join(logdir, 'search', 'broken', 'search.json'), '[1, 2');
  mkdirSync(join(logdir, 'search', 'no-models'), { recursive: true });
  writeFileSync(join(logdir, 'search', 'no-models', 'search.json'), JSON.stringify({ ...search, models: 'none' }));
  // Outside the logdir: a sweep and a search reached through symlinks (a directory, and a file).
  cpSync(join(logdir, 'sweeps', 'lenet-lr', 'sweep.json'), join(outside, 'sweep.json'));
  cpSync(join(logdir, 'search', 'ae', 'search.json'), join(outside, 'search.json'));
  symlinkSync(outside, join(logdir, 'escape'));
  mkdirSync(join(logdir, 'linked'));
  symlinkSync(join(outside, 'sweep.json'), join(logdir, 'linked', 'sweep.json'));
  symlinkSync(join(outside, 'search.json'), join(logdir, 'linked', 'search.json'));
  app = createDashboardApp({ logdir, clientDir: join(logdir, 'no-client'), scanIntervalMs: 0 });
}, 60_000);

describe('GET /api/sweeps', () => {
  it('lists every sweep under the logdir: method, metric, trials by status, the best trial and its test accuracy', async () => {
    const body = (await request(app).get('/api/sweeps').expect(200).expect('content-type', /json/)).body as SweepsResponse;
    expect(body.sweeps.map((s) => s.name).sort()).toEqual(['sweeps/broken', 'sweeps/lenet-lr', 'sweeps/no-trials', 'sweeps/wrong-kind']);
    const s = body.sweeps.find((x) => x.name === 'sweeps/lenet-lr')!;
    expect(sweep.status).toBe('finished');
    expect(s).toEqual({
      name: 'sweeps/lenet-lr', title: 'lenet-lr', status: 'finished', method: 'grid', metric: 'valLoss',
      pruning: 'successive halving η=2 over rungs of 1, 2 epochs', trials: 3, byStatus: { finished: 1, pruned: 2 },
      best: {
        trial: sweep.best!.trial, params: sweep.best!.params, metric: 'valLoss', value: sweep.best!.value, bestEpoch: sweep.best!.bestEpoch,
        bestValLoss: sweep.best!.bestValLoss, bestValAcc: sweep.best!.bestValAcc, test: sweep.best!.test,
      },
      testAccuracy: sweep.best!.test!.accuracy, updatedAt: sweep.updatedAt,
    });
    // Symlinks out of the logdir are not followed.
    expect(body.sweeps.map((x) => x.name)).not.toContain('escape');
    expect(body.sweeps.map((x) => x.name)).not.toContain('linked');
  });

  it('lists a damaged sweep.json with a warning instead of failing the list', async () => {
    const body = (await request(app).get('/api/sweeps').expect(200)).body as SweepsResponse;
    const broken = body.sweeps.find((x) => x.name === 'sweeps/broken')!;
    expect(broken).toMatchObject({ title: null, status: null, trials: 0, best: null });
    expect(broken.error).toMatch(/^Sweep state sweeps\/broken\/sweep\.json is not valid JSON/);
    expect(body.sweeps.find((x) => x.name === 'sweeps/no-trials')!.error).toBe('sweeps/no-trials/sweep.json: not a sweep cnnlab can read: it has no trial table');
    expect(body.sweeps.find((x) => x.name === 'sweeps/wrong-kind')!.error).toMatch(/sweeps\/wrong-kind\/sweep\.json is not a sweep \(kind "design-space-search"\)/);
    expect(body.warnings).toHaveLength(3);
    // The server's own path to the logdir is not shown.
    expect(body.warnings.join('\n')).not.toContain(logdir);
  });
});

describe('GET /api/sweeps/:sweep', () => {
  it('ranks the trials as rankTrials does, with their parameters, metrics, status and pruning', async () => {
    const body = (await request(app).get(`/api/sweeps/${enc('sweeps/lenet-lr')}`).expect(200)).body as SweepResponse;
    const ranked = rankTrials(sweep);
    expect(body.trials.map((t) => t.name)).toEqual(ranked.map((t) => t.name));
    expect(body.rungs).toEqual([1, 2]);
    expect(body.parameters).toEqual([{ name: 'lr', type: 'number', values: [0.02, 0.1, 0.3] }]);
    expect(body.testPlanned).toBe(true);
    const [first, ...rest] = body.trials;
    expect(first).toMatchObject({
      rank: 1, best: true, name: sweep.best!.trial, run: `sweeps/lenet-lr/${sweep.best!.trial}`, status: 'finished', promoted: true, rung: 1,
      epochsDone: 2, epochsPlanned: 2, params: sweep.best!.params, value: sweep.best!.value, modelParams: 61706, macs: 416520, stopped: null,
    });
    for (const t of rest) {
      const record = sweep.trials.find((r) => r.name === t.name)!;
      expect(t).toMatchObject({
        rank: null, best: false, status: 'pruned', promoted: false, rung: 0, epochsDone: 1, bestValLoss: record.bestValLoss, bestValAcc: record.bestValAcc,
        stopped: { rule: 'halving', epoch: 1, reason: expect.stringMatching(/^successive halving: not among the best 1 of 3/) },
      });
    }
    // Each trial links to a run the dashboard serves.
    for (const t of body.trials) await request(app).get(`/api/runs/${enc(t.run)}/diagnosis`).expect(200);
  });

  it('answers a damaged sweep.json with a 422 JSON error, unknown ones with 404', async () => {
    expect((await request(app).get(`/api/sweeps/${enc('sweeps/broken')}`).expect(422)).body.error).toMatch(/is not valid JSON/);
    expect((await request(app).get(`/api/sweeps/${enc('sweeps/no-trials')}`).expect(422)).body.error).toMatch(/it has no trial table/);
    expect((await request(app).get('/api/sweeps/nope').expect(404)).body.error).toBe('Unknown sweep "nope"');
    expect((await request(app).get(`/api/sweeps/${enc('search/ae')}`).expect(404)).body.error).toBe('Unknown sweep "search/ae": no sweep.json there');
  });

  it('serves a logdir that is itself a sweep as "."', async () => {
    const only = createDashboardApp({ logdir: join(logdir, 'sweeps', 'lenet-lr') });
    const list = (await request(only).get('/api/sweeps').expect(200)).body as SweepsResponse;
    expect(list.sweeps.map((s) => s.name)).toEqual(['.']);
    const body = (await request(only).get('/api/sweeps/%2E').expect(200)).body as SweepResponse;
    expect(body.trials.map((t) => t.run).sort()).toEqual(['trial-000', 'trial-001', 'trial-002']);
  });
});

describe('GET /api/searches', () => {
  it('lists every design-space search with its spaces, models and dominant space; damaged ones with a warning', async () => {
    const body = (await request(app).get('/api/searches').expect(200)).body as SearchesResponse;
    expect(body.searches.map((s) => s.name).sort()).toEqual(['search/ae', 'search/broken', 'search/no-models']);
    const s = body.searches.find((x) => x.name === 'search/ae')!;
    expect(s).toEqual({
      name: 'search/ae', status: 'finished', samplesPerSpace: 2, epochs: 1, input: [1, 16, 16], datasetLimit: 200, models: 4, finished: 4,
      spaces: search.spaces.map((x) => ({ name: x.name, sampled: 2, finished: 2, medianError: x.stats!.median })),
      dominant: search.comparison.dominant, updatedAt: search.updatedAt,
    });
    expect(body.searches.find((x) => x.name === 'search/broken')!.error).toMatch(/^Search state search\/broken\/search\.json is not valid JSON/);
    expect(body.searches.find((x) => x.name === 'search/no-models')!.error).toBe('search/no-models/search.json: not a search cnnlab can read: it has no model list');
    expect(body.warnings).toHaveLength(2);
  });
});

describe('GET /api/searches/:search', () => {
  it('gives per space the sorted errors, statistics and EDF, which space dominates, and per model its space, size, error and configuration', async () => {
    const body = (await request(app).get(`/api/searches/${enc('search/ae')}`).expect(200)).body as SearchResponse;
    expect(body.options).toMatchObject({ samplesPerSpace: 2, epochs: 1, input: [1, 16, 16], datasetLimit: 200, stages: 2, seed: 3, edfStep: 10 });
    expect(body.spaces.map((s) => s.name)).toEqual(['AnyNetX_A', 'AnyNetX_E']);
    for (const s of body.spaces) {
      const written = search.spaces.find((x) => x.name === s.name)!;
      const errors = search.models.filter((m) => m.space === s.name).map((m) => m.valError!).sort((a, b) => a - b);
      expect(s.errors).toEqual(errors);
      expect(s.edf).toEqual(edfCurve(errors, 10));
      expect(s.steps).toEqual(written.steps);
      expect(s.stats).toEqual(written.stats);
      expect(s.stats!.min).toBe(errors[0]);
      expect(s.stats!.mean).toBeCloseTo((errors[0]! + errors[1]!) / 2, 12);
    }
    expect(body.comparison).toEqual(search.comparison);
    expect(body.comparison.dominant).toBe(dominantSpace(body.spaces));
    expect(body.models).toHaveLength(4);
    for (const m of body.models) {
      const written = search.models.find((x) => x.space === m.space && x.name === m.name)!;
      expect(m).toMatchObject({ run: `search/ae/${written.runDir}`, params: written.params, macs: written.macs, valError: written.valError, config: written.config, status: 'finished' });
      expect(m.params).toBeGreaterThan(0);
      await request(app).get(`/api/runs/${enc(m.run)}/diagnosis`).expect(200);
    }
  });

  it('answers damaged and unknown searches with JSON errors', async () => {
    expect((await request(app).get(`/api/searches/${enc('search/broken')}`).expect(422)).body.error).toMatch(/is not valid JSON/);
    expect((await request(app).get(`/api/searches/${enc('search/no-models')}`).expect(422)).body.error).toMatch(/it has no model list/);
    expect((await request(app).get('/api/searches/nope').expect(404)).body.error).toBe('Unknown search "nope"');
    expect((await request(app).get(`/api/searches/${enc('sweeps/lenet-lr')}`).expect(404)).body.error).toMatch(/no search\.json there/);
  });

  it('reads a file again when it changes', async () => {
    const file = join(logdir, 'search', 'no-models', 'search.json');
    writeFileSync(file, JSON.stringify(search));
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    const body = (await request(app).get(`/api/searches/${enc('search/no-models')}`).expect(200)).body as SearchResponse;
    expect(body.models.map((m) => m.run)).toContain('search/no-models/AnyNetX_A/model-000');
    const list = (await request(app).get('/api/searches').expect(200)).body as SearchesResponse;
    expect(list.searches.find((s) => s.name === 'search/no-models')!.error).toBeUndefined();
  });
});

describe('refusals', () => {
  it.each([
    ['..', '%2E%2E'],
    ['../x', '%2E%2E%2Fx'],
    ['sweeps/../../x', 'sweeps%2F%2E%2E%2F%2E%2E%2Fx'],
    ['an absolute path', encodeURIComponent('/etc')],
    ['an absolute path to a sweep outside', encodeURIComponent(outside)],
    ['a backslash path', encodeURIComponent('..\\x')],
    ['a symlink pointing outside', 'escape'],
  ])('refuses %s with 403 and a JSON error', async (_what, name) => {
    for (const endpoint of ['sweeps', 'searches']) {
      const res = await request(app).get(`/api/${endpoint}/${name}`).expect(403).expect('content-type', /json/);
      expect(res.body.error).toMatch(/^Refused/);
    }
  });

  it('does not read a sweep.json or search.json that is a symlink', async () => {
    expect((await request(app).get('/api/sweeps/linked').expect(404)).body.error).toMatch(/no sweep\.json there/);
    expect((await request(app).get('/api/searches/linked').expect(404)).body.error).toMatch(/no search\.json there/);
  });

  it('answers a missing logdir with empty lists', async () => {
    const none = createDashboardApp({ logdir: join(logdir, 'not-yet') });
    expect((await request(none).get('/api/sweeps').expect(200)).body).toMatchObject({ sweeps: [], warnings: [expect.stringMatching(/does not exist/)] });
    expect((await request(none).get('/api/searches').expect(200)).body.searches).toEqual([]);
    await request(none).get('/api/sweeps/x').expect(404);
  });
});
