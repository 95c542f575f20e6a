import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics, RunReport } from '@cnnlab/trainer';
import { createDashboardApp } from '../server/index.js';
import type { DiagnosisResponse, HParamsResponse, RunsResponse } from '../server/types.js';
import { OVERFIT_HISTORY, tempDir, writeCnnlabRun } from './fixtures.js';

const logdir = tempDir('dashboard-truth-');
let app: ReturnType<typeof createDashboardApp>;

/** The issue's Adam BN-LeNet: epoch 16 reaches 0.5975, epoch 23 beats it by 0.3%, under the analysis' default 0.5%. */
const ADAM_HISTORY: EpochMetrics[] = Array.from({ length: 25 }, (_, i) => {
  const epoch = i + 1;
  const valLoss = epoch <= 16 ? 0.9 - 0.0189 * epoch : epoch === 23 ? 0.5956 : 0.5975 + 0.002 * ((epoch % 3) + 1);
  return { epoch, trainLoss: 1 - 0.03 * i, trainAcc: 0.6 + 0.01 * i, valLoss, valAcc: epoch === 23 ? 0.8 : 0.7, lr: 0.01, seconds: 1, imagesPerSecond: 100 + epoch };
});

const enc = (run: string) => encodeURIComponent(run).replace(/\./g, '%2E');

beforeAll(() => {
  writeCnnlabRun(logdir, 'adam', { history: ADAM_HISTORY });
  // Killed at epoch 6 of 30: report.json still says running, its lock names a process that is gone.
  const killed = writeCnnlabRun(logdir, 'killed', { history: OVERFIT_HISTORY.slice(0, 6), status: 'running' });
  const report = JSON.parse(readFileSync(join(killed, 'report.json'), 'utf8')) as RunReport;
  writeFileSync(join(killed, 'report.json'), JSON.stringify({ ...report, epochsPlanned: 30 }));
  writeFileSync(join(killed, '.lock'), String(spawnSync(process.execPath, ['-e', '0']).pid));
  // A live one: this process holds its lock.
  const live = writeCnnlabRun(logdir, 'live', { history: OVERFIT_HISTORY.slice(0, 6), status: 'running' });
  writeFileSync(join(live, '.lock'), String(process.pid));
  // A sweep that pruned one of its two trials (the trial's own report says finished).
  writeCnnlabRun(logdir, 'sweep/trial-000');
  writeCnnlabRun(logdir, 'sweep/trial-001', { history: OVERFIT_HISTORY.slice(0, 2) });
  const trial = (name: string, status: string) => ({ index: 0, name, dir: name, params: { lr: 0.1 }, status, epochsPlanned: 10, epochsDone: 10, bestEpoch: null, bestValLoss: null, bestValAcc: null, value: null, history: [], modelParams: null, macs: null, resumes: 0 });
  writeFileSync(join(logdir, 'sweep', 'sweep.json'), JSON.stringify({
    version: 1, kind: 'sweep', name: 'sweep', status: 'finished', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T01:00:00Z',
    spec: { method: 'grid', metric: 'val_loss', parameters: { lr: [0.1, 0.2] }, pruning: { rule: 'median', warmup: 1 } },
    trials: [trial('trial-000', 'finished'), { ...trial('trial-001', 'pruned'), stopped: { rule: 'median', epoch: 2, reason: 'val_loss 0.8 worse than the median 0.6' } }],
    best: null,
  }));
  // A run whose only event file was overwritten with garbage, and one whose event file is empty.
  const damaged = writeCnnlabRun(logdir, 'damaged');
  for (const f of readdirSync(damaged).filter((f) => f.startsWith('events.out.tfevents'))) writeFileSync(join(damaged, f), Buffer.alloc(600, 0x5a));
  const empty = writeCnnlabRun(logdir, 'empty');
  for (const f of readdirSync(empty).filter((f) => f.startsWith('events.out.tfevents'))) writeFileSync(join(empty, f), '');
  app = createDashboardApp({ logdir, clientDir: join(logdir, 'no-client'), scanIntervalMs: 0 });
});

describe('one best epoch everywhere', () => {
  it('Runs, Curves (diagnosis, marker, overfitting band), HParams and report.json name the trainer’s best epoch', async () => {
    const report = JSON.parse(readFileSync(join(logdir, 'adam', 'report.json'), 'utf8')) as RunReport;
    expect(report.bestEpoch).toBe(23);
    const runs = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    expect(runs.runs.find((r) => r.name === 'adam')!.bestEpoch).toBe(23);
    const d = (await request(app).get('/api/runs/adam/diagnosis').expect(200)).body as DiagnosisResponse;
    expect(d.diagnosis!.bestEpoch).toBe(23);
    expect(d.diagnosis!.verdict).not.toMatch(/epoch 16/);
    if (d.diagnosis!.overfitting) expect(d.diagnosis!.overfitting.start).toBeGreaterThan(23);
    const hp = (await request(app).get('/api/hparams').expect(200)).body as HParamsResponse;
    expect(hp.runs.find((r) => r.run === 'adam')!.metrics.best_epoch).toBe(23);
  });

  it('one images/s statistic: the median of epochs, named', async () => {
    const runs = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    const adam = runs.runs.find((r) => r.name === 'adam')!;
    expect(adam).toMatchObject({ imagesPerSecond: 113, imagesPerSecondStatistic: 'median of epochs' });
    const costs = (await request(app).get('/api/costs').expect(200)).body as { points: { run: string; imagesPerSecond: number }[] };
    expect(costs.points.find((p) => p.run === 'adam')!.imagesPerSecond).toBe(113);
  });
});

describe('interrupted and pruned runs', () => {
  it('a killed run is interrupted, its verdict provisional; a run whose trainer lives is running', async () => {
    const runs = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    const killed = runs.runs.find((r) => r.name === 'killed')!;
    expect(killed.status).toBe('interrupted');
    expect(killed.statusMessage).toMatch(/--resume/);
    expect(killed.fit).toMatchObject({ provisional: true, verdict: expect.stringMatching(/^Interrupted after epoch 6 of 30: this verdict is provisional/) });
    expect(runs.runs.find((r) => r.name === 'live')!.status).toBe('running');
    const d = (await request(app).get('/api/runs/killed/diagnosis').expect(200)).body as DiagnosisResponse;
    expect(d).toMatchObject({ runStatus: 'interrupted', provisional: true });
    expect(d.diagnosis!.verdict).toMatch(/^Interrupted after epoch 6 of 30/);
    const finished = (await request(app).get('/api/runs/adam/diagnosis').expect(200)).body as DiagnosisResponse;
    expect(finished).toMatchObject({ runStatus: 'finished', provisional: false });
  });

  it('a pruned sweep trial has status pruned in Runs, HParams and Costs, with the sweep’s reason', async () => {
    const runs = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    expect(runs.runs.find((r) => r.name === 'sweep/trial-001')).toMatchObject({ status: 'pruned', statusMessage: expect.stringMatching(/after epoch 2: val_loss 0\.8/) });
    expect(runs.runs.find((r) => r.name === 'sweep/trial-000')!.status).toBe('finished');
    const hp = (await request(app).get('/api/hparams').expect(200)).body as HParamsResponse;
    expect(hp.runs.find((r) => r.run === 'sweep/trial-001')!.status).toBe('pruned');
    const one = (await request(app).get(`/api/runs/${enc('sweep/trial-001')}/hparams`).expect(200)).body as { status: string };
    expect(one.status).toBe('pruned');
    const costs = (await request(app).get('/api/costs').expect(200)).body as { points: { run: string; status: string }[] };
    expect(costs.points.find((p) => p.run === 'sweep/trial-001')!.status).toBe('pruned');
  });
});

describe('damaged and empty event files', () => {
  it('a damaged event file: warnings, and no diagnosis above a chart with no curves', async () => {
    const d = (await request(app).get('/api/runs/damaged/diagnosis').expect(200)).body as DiagnosisResponse;
    expect(d.warnings.length).toBeGreaterThan(0);
    expect(d.diagnosis).toBeNull();
    expect(d.message).toMatch(/damaged/);
    const runs = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    const run = runs.runs.find((r) => r.name === 'damaged')!;
    expect(run.warnings.length).toBeGreaterThan(0);
    expect(run.fit).toBeNull();
  });

  it('an empty event file: a warning naming it', async () => {
    const runs = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    expect(runs.runs.find((r) => r.name === 'empty')!.warnings.join('\n')).toMatch(/events\.out\.tfevents[^:]*: empty event file/);
    const d = (await request(app).get('/api/runs/empty/diagnosis').expect(200)).body as DiagnosisResponse;
    expect(d.diagnosis).toBeNull();
    // A healthy run has no such warning.
    expect(runs.runs.find((r) => r.name === 'adam')!.warnings).toEqual([]);
  });
});
