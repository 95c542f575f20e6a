import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { diagnoseFit } from '@cnnlab/analysis';
import type { EpochMetrics, RunReport } from '@cnnlab/trainer';
import { createDashboardApp } from '../server/app.js';
import type { DiagnosisResponse, RunsResponse } from '../server/types.js';
import { tempDir, writeCnnlabRun } from './fixtures.js';

/** Validation loss up 2 epochs in a row at the end while training loss falls: overfitting with patience 2, inconclusive (too short a rise to judge) with patience 3. */
const TWO_EPOCH_RISE: EpochMetrics[] = [1.0, 0.8, 0.6, 0.5, 0.45, 0.44, 0.47, 0.48].map((valLoss, i) => ({
  epoch: i + 1, trainLoss: 1.1 - 0.1 * i, valLoss, trainAcc: 0.5 + 0.05 * i, valAcc: 0.5 + 0.04 * i, lr: 0.1, seconds: 1, imagesPerSecond: 500,
}));

const logdir = tempDir();
const patient = writeCnnlabRun(logdir, 'patient', { history: TWO_EPOCH_RISE, config: { earlyStopping: { patience: 3 } } });
writeCnnlabRun(logdir, 'eager', { history: TWO_EPOCH_RISE, config: { earlyStopping: { enabled: true, patience: 2, minDelta: 0.001 } } });
writeCnnlabRun(logdir, 'seeds/a', { config: { seed: 1 } });
writeCnnlabRun(logdir, 'seeds/b', { config: { seed: 2 } });
writeCnnlabRun(logdir, 'seeds/other-lr', { config: { seed: 1, lr: 0.05 } });
const app = createDashboardApp({ logdir, scanIntervalMs: 0 });
const diagnosis = async (run: string, query = '') => (await request(app).get(`/api/runs/${run}/diagnosis${query}`).expect(200)).body as DiagnosisResponse;

describe('one source of truth for the fit diagnosis', () => {
  it('the premise: the two patiences disagree on this history', () => {
    expect(diagnoseFit(TWO_EPOCH_RISE, { patience: 2 }).status).toBe('overfitting');
    expect(diagnoseFit(TWO_EPOCH_RISE, { patience: 3 }).status).toBe('inconclusive');
  });

  it("says what the run's report.json says, computed with the run's own patience and min-delta", async () => {
    const report = JSON.parse(readFileSync(join(patient, 'report.json'), 'utf8')) as RunReport;
    const body = await diagnosis('patient');
    expect(body.settings).toEqual({ patience: 3, minDelta: 0, source: 'config', earlyStopping: false });
    expect(body.diagnosis!.verdict).toBe(report.diagnosis!.verdict);
    expect(body.diagnosis!.status).toBe('inconclusive');
    expect(body.diagnosis!.verdict).toMatch(/^Inconclusive: validation loss jumped in the last 2 epochs; train longer\..*fewer epochs than the patience \(3\)/);

    const eager = await diagnosis('eager');
    expect(eager.settings).toEqual({ patience: 2, minDelta: 0.001, source: 'config', earlyStopping: true });
    expect(eager.diagnosis!.status).toBe('overfitting');
  });

  it('the run list carries the same verdict', async () => {
    const { runs } = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    const fit = Object.fromEntries(runs.map((r) => [r.name, r.fit?.status]));
    expect(fit.patient).toBe('inconclusive');
    expect(fit.eager).toBe('overfitting');
  });

  it('a "what if" patience is answered as such, and a bad one is refused', async () => {
    const whatIf = await diagnosis('patient', '?patience=2');
    expect(whatIf.settings.source).toBe('what-if');
    expect(whatIf.diagnosis!.status).toBe('overfitting');
    const bad = await request(app).get('/api/runs/patient/diagnosis?patience=0').expect(400);
    expect(bad.body.error).toBe('patience must be a positive integer, got "0"');
  });

  it('groups runs that differ only by seed', async () => {
    const { runs } = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    const group = Object.fromEntries(runs.map((r) => [r.name, r.seedGroup]));
    expect(group['seeds/a']).toBeTruthy();
    expect(group['seeds/a']).toBe(group['seeds/b']);
    expect(group['seeds/other-lr']).not.toBe(group['seeds/a']);
  });
});
