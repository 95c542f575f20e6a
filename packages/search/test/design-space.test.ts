import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, summarize } from '@cnnlab/core';
import { validateAnyNet, ANYNET_SPACES } from '@cnnlab/arch-regnet';
import { readRunDirectory } from '@cnnlab/tfevents';
import { isRunDirectory, readReport } from '@cnnlab/trainer';
import {
  formatSearchReport, readSearch, resolveSearchOptions, runDesignSpaceSearch, sampleModels, type DesignSpaceSearchOptions, type SearchState,
} from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-search-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Tiny AnyNets: 2 stages of 1–2 blocks, widths 8–16, at 16x16, trained 1 epoch on 300 images. */
const TINY: Omit<DesignSpaceSearchOptions, 'dir'> = {
  samplesPerSpace: 3, epochs: 1, input: [1, 16, 16], datasetLimit: 300, stages: 2, stemChannels: 8, seed: 1,
  ranges: { depth: [1, 2], width: [8, 16], groupWidth: [4, 8] },
};

describe('design-space search', () => {
  const dir = join(root, 'search');
  let state: SearchState;
  beforeAll(async () => {
    state = await runDesignSpaceSearch({ ...TINY, dir });
  });

  it('samples valid members of each space, trains each as a run directory, and records config, parameters, MACs and error', () => {
    expect(state.status).toBe('finished');
    expect(state.models.map((m) => m.runDir)).toEqual([
      'AnyNetX_A/model-000', 'AnyNetX_A/model-001', 'AnyNetX_A/model-002', 'AnyNetX_E/model-000', 'AnyNetX_E/model-001', 'AnyNetX_E/model-002',
    ]);
    for (const m of state.models) {
      const space = ANYNET_SPACES[m.space as 'AnyNetX_A'];
      expect(validateAnyNet(m.config, { constraints: space.constraints, ranges: state.options.ranges }), m.runDir).toEqual([]);
      expect(m.config.stages).toHaveLength(2);
      expect(m.status).toBe('finished');
      const runDir = join(dir, m.runDir);
      expect(isRunDirectory(runDir)).toBe(true);
      const report = readReport(runDir);
      expect(m.valError).toBeCloseTo(1 - report.bestValAcc!, 9);
      expect(m.valError).toBeGreaterThanOrEqual(0);
      expect(m.valError).toBeLessThanOrEqual(1);
    }
    // Parameters and MACs are core's summarize of the sampled network.
    const m = state.models[4]!;
    const totals = summarize(createModel('regnetx32-d2l', { input: [1, 16, 16], classes: 10, options: m.config })).totals;
    expect([m.params, m.macs]).toEqual([totals.trainableParams, totals.macs]);
    // The constrained space shares bottleneck ratio and group width and never narrows or shallows.
    for (const e of state.models.filter((x) => x.space === 'AnyNetX_E')) {
      const [s1, s2] = e.config.stages;
      expect(s2!.width).toBeGreaterThanOrEqual(s1!.width);
      expect(s2!.depth).toBeGreaterThanOrEqual(s1!.depth);
      expect(s2!.groupWidth).toBe(s1!.groupWidth);
    }
  });

  it('gives each model its own TensorBoard HParams row: an empty group, so the row is its run path', async () => {
    for (const m of state.models) {
      const { events } = await readRunDirectory(join(dir, m.runDir));
      const start = events.flatMap((e) => e.summary?.values ?? []).find((v) => v.tag === '_hparams_/session_start_info');
      expect(start?.kind === 'hparams' && (start.data.sessionStartInfo?.groupName ?? '')).toBe('');
    }
  });

  it('writes search.json in its documented shape, with EDFs rising from 0 to 1', () => {
    const json = JSON.parse(readFileSync(join(dir, 'search.json'), 'utf8')) as SearchState;
    expect(json).toEqual(readSearch(dir));
    expect(Object.keys(json).sort()).toEqual(['comparison', 'createdAt', 'edfRuns', 'kind', 'models', 'options', 'spaces', 'status', 'updatedAt', 'version']);
    expect(json).toMatchObject({ version: 1, kind: 'design-space-search', status: 'finished' });
    expect(Object.keys(json.models[0]!).sort()).toEqual(['bestEpoch', 'config', 'epochs', 'index', 'macs', 'name', 'params', 'runDir', 'space', 'status', 'valAcc', 'valError', 'valLoss']);
    expect(json.spaces.map((s) => s.name)).toEqual(['AnyNetX_A', 'AnyNetX_E']);
    for (const s of json.spaces) {
      const errors = json.models.filter((m) => m.space === s.name).map((m) => m.valError!).sort((a, b) => a - b);
      expect(s.errors).toEqual(errors);
      expect([s.sampled, s.finished, s.failed]).toEqual([3, 3, 0]);
      expect(s.stats).toMatchObject({ min: errors[0], median: errors[1], max: errors[2] });
      const fractions = s.edf.map((p) => p.fraction);
      expect(fractions[0]).toBe(0);
      expect(fractions.at(-1)).toBe(1);
      fractions.slice(1).forEach((f, i) => expect(f).toBeGreaterThanOrEqual(fractions[i]!));
      expect(s.edf.map((p) => p.perMille)).toEqual(Array.from({ length: 101 }, (_, i) => i * 10));
      for (const p of s.edf) expect(p.fraction).toBe(p.perMille === 1000 ? 1 : errors.filter((e) => e < p.threshold).length / 3);
      expect(s.steps.at(-1)!.fraction).toBe(1);
    }
    expect(['AnyNetX_A', 'AnyNetX_E', null]).toContain(json.comparison.dominant);
    expect(json.comparison.pairs).toEqual([{ a: 'AnyNetX_A', b: 'AnyNetX_E', relation: expect.stringMatching(/^(a-dominates|b-dominates|equal|cross)$/) }]);
  });

  it('writes the EDF curves as TensorBoard scalars (step = error threshold in per mille)', async () => {
    for (const s of state.spaces) {
      const { events } = await readRunDirectory(join(dir, `edf-${s.name}`));
      const points = events.flatMap((e) => (e.summary?.values ?? []).filter((v) => v.kind === 'scalar' && v.tag === `edf/${s.name}`).map((v) => [e.step, v.kind === 'scalar' ? v.value : NaN]));
      // Scalars are stored as float32.
      expect(points).toEqual(s.edf.map((p) => [p.perMille, Math.fround(p.fraction)]));
    }
    expect(state.edfRuns.map((r) => r.tags)).toEqual([['edf/AnyNetX_A', 'edf/compare'], ['edf/AnyNetX_E', 'edf/compare']]);
  });

  it('reports per space min/median/mean error, the EDF at thresholds, and the comparison', () => {
    const text = formatSearchReport(state, dir);
    expect(text).toMatch(/Design-space search \(d2l 8\.8\): AnyNetX_A vs AnyNetX_E — finished/);
    expect(text).toMatch(/space\s+models\s+min\s+median\s+mean\s+max\s+median params\s+median MACs/);
    expect(text).toMatch(/AnyNetX_A\s+3\/3\s+\d\.\d{4}/);
    expect(text).toMatch(/EDF: F\(e\) = fraction of models with validation error < e\nspace\s+e<0\.\d\d/);
    expect(text).toMatch(/dominates|cross|same EDF/);
  });

  it('samples deterministically per space; restarting a finished search trains nothing; other options are refused', async () => {
    const options = resolveSearchOptions(TINY);
    expect(sampleModels(options)).toEqual(sampleModels(options));
    const withB = sampleModels(resolveSearchOptions({ ...TINY, spaces: ['AnyNetX_A', 'AnyNetX_B', 'AnyNetX_E'] }));
    expect(withB.filter((m) => m.space !== 'AnyNetX_B').map((m) => m.config)).toEqual(state.models.map((m) => m.config));
    const started: string[] = [];
    const again = await runDesignSpaceSearch({ ...TINY, dir, hooks: { onModelStart: (m) => started.push(m.runDir) } });
    expect(started).toEqual([]);
    expect(again.models).toEqual(state.models);
    await expect(runDesignSpaceSearch({ ...TINY, samplesPerSpace: 4, dir })).rejects.toThrow(/holds a search with different options \(they differ at "samplesPerSpace"\)/);
    expect(() => resolveSearchOptions({ spaces: ['AnyNetX_Z' as 'AnyNetX_A'] })).toThrow(/unknown design space "AnyNetX_Z"/);
    expect(() => resolveSearchOptions({ ranges: { width: [64, 8] } })).toThrow(/ranges\.width: min 64 is greater than max 8/);
  });

  it('an interrupted search continues where it stopped and ends with the same errors', async () => {
    const other = join(root, 'interrupted');
    const controller = new AbortController();
    let position = -1;
    const first = await runDesignSpaceSearch({
      ...TINY, dir: other, signal: controller.signal,
      hooks: { onModelStart: (_m, info) => { position = info.position; }, onBatch: (p) => { if (position === 2 && p.batch === 3) controller.abort(); } },
    });
    expect(first.status).toBe('interrupted');
    // Spaces are interleaved (A0, E0, A1, E1, …): the 3rd model trained is AnyNetX_A/model-001.
    expect(first.models.map((m) => `${m.runDir} ${m.status}`)).toEqual([
      'AnyNetX_A/model-000 finished', 'AnyNetX_A/model-001 interrupted', 'AnyNetX_A/model-002 pending',
      'AnyNetX_E/model-000 finished', 'AnyNetX_E/model-001 pending', 'AnyNetX_E/model-002 pending',
    ]);
    const actions: string[] = [];
    const second = await runDesignSpaceSearch({ ...TINY, dir: other, hooks: { onModelStart: (m, info) => actions.push(`${m.runDir} ${info.action}`) } });
    expect(actions).toEqual(['AnyNetX_A/model-001 resume', 'AnyNetX_E/model-001 train', 'AnyNetX_A/model-002 train', 'AnyNetX_E/model-002 train']);
    expect(readReport(join(other, 'AnyNetX_A/model-001')).resumes).toBe(1);
    expect(second.models.map((m) => m.valError)).toEqual(state.models.map((m) => m.valError));
    expect(second.spaces.map((s) => s.edf)).toEqual(state.spaces.map((s) => s.edf));
  });
});
