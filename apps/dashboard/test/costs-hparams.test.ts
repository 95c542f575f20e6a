import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp } from '../server/index.js';
import type { CostsResponse } from '../server/cost-types.js';
import type { HParamsResponse } from '../server/types.js';
import { tempDir, writeForeignRun } from './fixtures.js';
import { studyRuns, writeStudyRun } from './study-fixtures.js';

const logdir = tempDir('dashboard-study-');
let app: ReturnType<typeof createDashboardApp>;
const runs = studyRuns();

beforeAll(() => {
  for (const run of runs) writeStudyRun(logdir, run);
  writeForeignRun(logdir, 'pytorch/exp1').writer.close();
  app = createDashboardApp({ logdir, scanIntervalMs: 0 });
});

describe('GET /api/costs', () => {
  it('gives each cnnlab run its cost, throughput and accuracies, with the architecture\'s family', async () => {
    const body = (await request(app).get('/api/costs').expect(200)).body as CostsResponse;
    expect(body.points).toHaveLength(runs.length);
    const resnet = body.points.find((p) => p.run === 'resnet18')!;
    expect(resnet).toMatchObject({ arch: 'resnet18-d2l', family: 'resnet', params: 11_178_378, macs: 589_463_552, imagesPerSecond: 450, testAcc: 0.907, status: 'finished' });
    expect(resnet.bestValAcc).toBeCloseTo(0.914, 10);
    expect(resnet.input).toEqual([1, 96, 96]);
    expect(body.points.find((p) => p.run === 'alexnet')!.testAcc).toBeNull();
    // The training budget, so that the chart compares like with like: a promoted trial trained 4 epochs, the others 1.
    expect(resnet).toMatchObject({ epochs: 10, trainImages: 700, dataset: 'fashion-mnist' });
    expect(body.points.find((p) => p.run === 'sweeps/lenet-lr/trial-004')!.epochs).toBe(4);
    expect(body.points.find((p) => p.run === 'sweeps/lenet-lr/trial-005')!.epochs).toBe(1);
    // Runs of other tools have no cost to show.
    expect(body.points.some((p) => p.run.startsWith('pytorch'))).toBe(false);
  });
});

describe('hyper-parameters from the final config', () => {
  it('shows the epochs a promoted sweep trial trained (4), not those its first session declared (1)', async () => {
    const body = (await request(app).get('/api/hparams').expect(200)).body as HParamsResponse;
    const promoted = body.runs.find((r) => r.run === 'sweeps/lenet-lr/trial-004')!;
    expect(promoted.source).toBe('events');
    expect(promoted.hparams).toMatchObject({ epochs: 4, lr: 0.1, batch_size: 64 });
    expect(body.runs.find((r) => r.run === 'sweeps/lenet-lr/trial-005')!.hparams.epochs).toBe(1);
  });
});
