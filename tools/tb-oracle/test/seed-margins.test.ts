// A sweep over lr and seed, loaded by TensorBoard 2.20's own backend (oracle.py): the custom-scalars layout
// route answers 200 with the seed margin charts merged, and each chart's data, fetched as the Custom Scalars
// dashboard fetches it, holds the mean between its lower and upper tags on equal steps. Skipped, with the set-up
// line, where TensorBoard's sources or Debian's python packages are missing (CI cannot fetch them).
import '@cnnlab/arch-lenet';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanSd, runSweep, type SweepState } from '@cnnlab/search';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const TB_SRC = process.env.CNNLAB_TB_SRC ?? '/var/cache/cnnlab/tb-oracle/src';
const ORACLE = join(import.meta.dirname, '..', 'oracle.py');
const env = { ...process.env, PYTHONPATH: TB_SRC };
const probe = spawnSync(PYTHON, ['-c', 'import werkzeug, tensorboard.plugins.custom_scalar.layout_pb2'], { env, encoding: 'utf8' });
const ready = probe.status === 0;
if (!ready) {
  console.warn(`Skipping TensorBoard's own check of the seed margin charts: ${PYTHON} cannot load TensorBoard from ${TB_SRC} `
    + `(${(probe.stderr ?? String(probe.error)).trim().split('\n').pop()}). Set it up as tools/tb-oracle/README.md says: apt-get install -y protobuf-compiler `
    + 'python3-protobuf python3-werkzeug python3-numpy python3-markdown python3-absl python3-bleach python3-pil python3-packaging python3-grpcio, '
    + 'then TensorBoard 2.20.0\'s sources with their _pb2 modules in CNNLAB_TB_SRC (default /var/cache/cnnlab/tb-oracle/src).');
}

type Obj = Record<string, any>;

/** oracle.py --reload-on-stdin: a TensorBoard backend left open; `reload()` reloads its multiplexer and reports again. */
function openOracle(logdir: string) {
  const child = spawn(PYTHON, [ORACLE, logdir, '--reload-on-stdin'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Obj> => {
    const { value, done } = await lines.next();
    if (done) throw new Error('oracle.py ended');
    return JSON.parse(value);
  };
  return {
    first: next,
    reload: () => { child.stdin.write('\n'); return next(); },
    close: () => { child.stdin.end(); return new Promise((resolve) => child.once('exit', resolve)); },
  };
}
const METRICS = [['val_loss', 'valLoss'], ['val_accuracy', 'valAcc'], ['train_loss', 'trainLoss'], ['train_accuracy', 'trainAcc']] as const;

describe.runIf(ready)('seed margin charts as TensorBoard 2.20 serves them', () => {
  const logdir = mkdtempSync(join(tmpdir(), 'cnnlab-tb-margins-'));
  afterAll(() => rmSync(logdir, { recursive: true, force: true }));
  let state: SweepState;
  let report: Obj;

  beforeAll(async () => {
    state = await runSweep({
      name: 'lenet-lr-seed', method: 'grid', test: false,
      base: { arch: 'lenet', epochs: 2, batchSize: 32, dataset: { limit: 300 }, logEveryBatches: 0 },
      parameters: { lr: { values: [0.3, 0.9] }, seed: { values: [0, 1] } },
    }, { dir: join(logdir, 'sweeps', 'lenet-lr-seed') });
    const out = join(logdir, '..', `${logdir.split('/').pop()}-oracle.json`);
    const run = spawnSync(PYTHON, [ORACLE, logdir, '--json', out], { env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    report = JSON.parse(readFileSync(out, 'utf8'));
    rmSync(out);
  });

  it('merges the margin charts into the layout, beside the trainer\'s charts, with the route at 200', () => {
    const { status, layout } = report.custom_scalars_layout;
    expect(status).toBe(200);
    const categories = Object.fromEntries(layout.category.map((c: Obj) => [c.title, c.chart]));
    expect(Object.keys(categories).sort()).toEqual(['seeds: mean ± sd', 'train vs validation']);
    expect(categories['seeds: mean ± sd'].map((c: Obj) => c.margin.series)).toEqual(METRICS.map(([m]) => [
      { value: `seeds/${m}/mean`, lower: `seeds/${m}/lower`, upper: `seeds/${m}/upper` },
    ]));
  });

  it('serves each margin chart\'s data for the two seed groups: mean ± sample sd of their trials, every tag on the same steps', () => {
    const charts = report.custom_scalars_margins as Obj[];
    expect(charts).toHaveLength(4);
    const trials = (lr: number) => state.trials.filter((t) => t.params.lr === lr);
    for (const [i, [metric, key]] of METRICS.entries()) {
      const chart = charts[i]!;
      expect(chart.failed).toEqual({});
      expect(chart.incomplete).toEqual({});
      expect(chart.runs_without_tags).toBe(4);
      expect(Object.keys(chart.drawn).sort()).toEqual(['sweeps/lenet-lr-seed/seeds/summary-lr=0.3', 'sweeps/lenet-lr-seed/seeds/summary-lr=0.9']);
      for (const lr of [0.3, 0.9]) {
        const points = chart.drawn[`sweeps/lenet-lr-seed/seeds/summary-lr=${lr}`][`seeds/${metric}/mean`] as Obj[];
        expect(points.map((p) => p.step)).toEqual([1, 2]);
        for (const p of points) {
          const { mean, sd } = meanSd(trials(lr).map((t) => t.history[p.step - 1]![key]));
          expect(p.value).toBeCloseTo(mean, 5);
          expect(p.lower).toBeCloseTo(mean - sd!, 5);
          expect(p.upper).toBeCloseTo(mean + sd!, 5);
        }
      }
    }
  });

  it('keeps the margin runs out of the HParams table and holds each (tag, step) once', () => {
    const groups = report.hparams_session_groups.groups.sessionGroups.map((g: Obj) => g.name).sort();
    expect(groups).toEqual(state.trials.map((t) => `sweeps/lenet-lr-seed/${t.name}`));
    expect(report.duplicate_steps).toEqual({});
    // The only warnings allowed: TensorBoard applying the SessionLog START with which a margin run's update begins.
    for (const w of report.warnings) expect(w).toMatch(/Detected out of order event\.step .* Purging \d+ expired tensor events/);
    expect(report.text_tags.tags['sweeps/lenet-lr-seed/seeds/summary-lr=0.3']).toEqual(['seeds/about']);
  });
});

describe.runIf(ready)('a margin run growing while TensorBoard stays open', () => {
  const logdir = mkdtempSync(join(tmpdir(), 'cnnlab-tb-grow-'));
  afterAll(() => rmSync(logdir, { recursive: true, force: true }));

  it('shows the third seed after a reload, each (tag, step) once', async () => {
    const dir = join(logdir, 'sweeps', 'grow');
    const spec = {
      name: 'grow', method: 'grid' as const, test: false,
      base: { arch: 'lenet', epochs: 2, lr: 0.9, batchSize: 32, dataset: { limit: 300 }, logEveryBatches: 0 },
      parameters: { seed: { values: [0, 1, 2] } },
    };
    const stop = new AbortController();
    const first = await runSweep(spec, { dir, signal: stop.signal, hooks: { onTrialEnd: (t) => { if (t.name === 'trial-001') stop.abort(); } } });
    expect(first.status).toBe('interrupted');
    const oracle = openOracle(logdir);
    try {
      const run = 'sweeps/grow/seeds/summary-base';
      const meanOf = (r: Obj) => (r.custom_scalars_margins[0].drawn[run]['seeds/val_loss/mean'] as Obj[]).map((p) => p.value);
      const before = await oracle.first();
      const state = await runSweep(spec, { dir });
      const after = await oracle.reload();
      const expected = (n: number) => [0, 1].map((e) => meanSd(state.trials.slice(0, n).map((t) => t.history[e]!.valLoss)).mean);
      meanOf(before).forEach((v, i) => expect(v).toBeCloseTo(expected(2)[i]!, 5));
      meanOf(after).forEach((v, i) => expect(v).toBeCloseTo(expected(3)[i]!, 5));
      expect(after.custom_scalars_margins[0].drawn[run]['seeds/val_loss/mean'].map((p: Obj) => p.step)).toEqual([1, 2]);
      expect(after.scalar_steps[run]['seeds/n']).toEqual([1, 2]);
      expect(after.duplicate_steps).toEqual({});
      expect(after.warnings.some((w: string) => /Purging \d+ expired tensor events/.test(w))).toBe(true);
    } finally {
      await oracle.close();
    }
  });
});
