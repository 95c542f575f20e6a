import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnoseFit } from '@cnnlab/analysis';
import { SummaryWriter } from '@cnnlab/tfevents';
import { createDashboardApp } from '../server/index.js';
import type { DiagnosisResponse, HParamsResponse, RunsResponse, ScalarsResponse } from '../server/types.js';
import { OVERFIT_HISTORY, tempDir, writeCnnlabRun, writeForeignRun } from './fixtures.js';

const logdir = tempDir();
const outside = tempDir('dashboard-outside-');
const enc = (run: string) => encodeURIComponent(run).replace(/\./g, '%2E');
let app: ReturnType<typeof createDashboardApp>;

beforeAll(() => {
  writeCnnlabRun(logdir, 'group/lenet-a', { test: 0.71 });
  writeCnnlabRun(logdir, 'lenet-b', { history: OVERFIT_HISTORY.slice(0, 4), startedAt: '2025-02-01T00:00:00.000Z' });
  writeForeignRun(logdir, 'pytorch/exp1').writer.close();
  // A directory outside the logdir with event files, reachable through a symlink inside it.
  writeForeignRun(outside, 'secret').writer.close();
  symlinkSync(join(outside, 'secret'), join(logdir, 'escape'));
  app = createDashboardApp({ logdir, clientDir: join(logdir, 'no-client-here'), scanIntervalMs: 0 });
});

describe('GET /api/runs', () => {
  it('lists cnnlab runs and runs of other tools, nested, with what is known about them', async () => {
    const res = await request(app).get('/api/runs').expect(200).expect('content-type', /json/);
    const body = res.body as RunsResponse;
    expect(body.runs.map((r) => r.name).sort()).toEqual(['group/lenet-a', 'lenet-b', 'pytorch/exp1']);
    const a = body.runs.find((r) => r.name === 'group/lenet-a')!;
    expect(a).toMatchObject({
      kind: 'cnnlab', arch: 'lenet', status: 'finished', epochs: 10, epochsPlanned: 10, bestEpoch: 4, bestValAcc: 0.75, testAcc: 0.71, split: 'seeded',
      params: 61706, imagesPerSecond: 1004.5, imagesPerSecondStatistic: 'median of epochs', startedAt: '2025-01-02T03:04:05.000Z', lastStep: 10, eventFiles: 1,
      roles: { trainLoss: 'train/loss', valLoss: 'val/loss', trainAcc: 'train/accuracy', valAcc: 'val/accuracy' },
    });
    expect(a.tags).toContain('perf/images_per_second');
    const foreign = body.runs.find((r) => r.name === 'pytorch/exp1')!;
    expect(foreign).toMatchObject({
      kind: 'tensorboard', arch: null, status: 'unknown', epochs: 6, lastStep: 6, lastWallTime: 1_700_000_060,
      tags: ['Accuracy/train', 'Accuracy/val', 'Loss/train', 'Loss/val'],
      roles: { trainLoss: 'Loss/train', valLoss: 'Loss/val', trainAcc: 'Accuracy/train', valAcc: 'Accuracy/val' },
    });
    expect(foreign.bestEpoch).toBe(diagnoseFit(historyOfForeign()).bestEpoch);
    // Newest first.
    expect(body.runs[0]!.name).toBe('lenet-b');
  });

  it('shows a missing logdir as empty, with a warning', async () => {
    const res = await request(createDashboardApp({ logdir: join(logdir, 'not-yet') })).get('/api/runs').expect(200);
    expect(res.body.runs).toEqual([]);
    expect(res.body.warnings[0]).toMatch(/does not exist/);
  });
});

function historyOfForeign() {
  return [1, 2, 3, 4, 5, 6].map((epoch) => ({
    epoch, trainLoss: Math.fround(2 / epoch), valLoss: Math.fround(2.2 / epoch + (epoch > 4 ? 0.2 * (epoch - 4) : 0)),
    trainAcc: Math.fround(0.5 + epoch * 0.05), valAcc: Math.fround(0.45 + epoch * 0.04),
  }));
}

describe('GET /api/runs/:run/scalars', () => {
  it('returns every series of a nested run (name URL-encoded)', async () => {
    const res = await request(app).get(`/api/runs/${enc('group/lenet-a')}/scalars`).expect(200);
    const body = res.body as ScalarsResponse;
    expect(body.run).toBe('group/lenet-a');
    expect(body.reset).toBe(true);
    expect(body.series['val/loss']!.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(body.series['val/loss']![3]!.value).toBeCloseTo(0.6, 6);
    expect(body.series['train/loss']![0]!.wallTime).toBe(Date.parse('2025-01-02T03:04:05.000Z') / 1000 + 2);
    expect(body.warnings).toEqual([]);
  });

  it('filters by tags and answers nothing new for its own cursor', async () => {
    const first = (await request(app).get(`/api/runs/${enc('pytorch/exp1')}/scalars?tags=Loss/val`).expect(200)).body as ScalarsResponse;
    expect(Object.keys(first.series)).toEqual(['Loss/val']);
    const again = (await request(app).get(`/api/runs/${enc('pytorch/exp1')}/scalars?since=${first.cursor}`).expect(200)).body as ScalarsResponse;
    expect(again).toMatchObject({ reset: false, series: {}, cursor: first.cursor });
  });
});

describe('GET /api/runs/:run/diagnosis', () => {
  it('diagnoses a cnnlab run from its report, as the CLI does', async () => {
    const body = (await request(app).get(`/api/runs/${enc('group/lenet-a')}/diagnosis`).expect(200)).body as DiagnosisResponse;
    expect(body.source).toBe('report');
    expect(body.history).toHaveLength(10);
    // With the run's own early-stopping patience (3 by default), as the trainer.
    expect(body.settings).toEqual({ patience: 3, minDelta: 0, source: 'config', earlyStopping: false });
    const expected = JSON.parse(JSON.stringify(diagnoseFit(OVERFIT_HISTORY, { patience: 3 })));
    expect(body.diagnosis).toEqual(expected);
    expect(body.diagnosis!.bestEpoch).toBe(4);
    expect(body.diagnosis!.overfitting).toMatchObject({ start: 5, end: 10, from: 4 });
    expect(body.diagnosis!.status).toBe('overfitting');
  });

  it('diagnoses a run of another tool from its loss series', async () => {
    const body = (await request(app).get(`/api/runs/${enc('pytorch/exp1')}/diagnosis`).expect(200)).body as DiagnosisResponse;
    expect(body.source).toBe('events');
    expect(body.history).toEqual(historyOfForeign());
    expect(body.diagnosis).toEqual(JSON.parse(JSON.stringify(diagnoseFit(historyOfForeign()))));
  });
});

describe('hparams', () => {
  it('GET /api/runs/:run/hparams: the hparams plugin session start and final metrics', async () => {
    const body = (await request(app).get(`/api/runs/${enc('group/lenet-a')}/hparams`).expect(200)).body;
    expect(body.source).toBe('events');
    expect(body.hparams).toMatchObject({ arch: 'lenet', lr: 0.1, epochs: 10, batch_size: 256, optimizer: 'sgd', dataset: 'fashion-mnist' });
    expect(body.metrics).toMatchObject({ best_val_accuracy: 0.75, best_epoch: 4, test_accuracy: 0.71, final_val_loss: 0.9 });
  });

  it('GET /api/hparams: every run, with the columns and metrics found', async () => {
    const body = (await request(app).get('/api/hparams').expect(200)).body as HParamsResponse;
    expect(body.runs.map((r) => r.run)).toEqual(['group/lenet-a', 'lenet-b', 'pytorch/exp1']);
    expect(body.hparams[0]).toMatchObject({ name: 'arch', type: 'string', values: ['lenet'] });
    expect(body.hparams.find((c) => c.name === 'epochs')).toMatchObject({ type: 'number', values: [4, 10] });
    expect(body.metrics.slice(0, 3)).toEqual(['best_val_accuracy', 'best_val_loss', 'best_epoch']);
    expect(body.runs[2]!.source).toBeNull();
    expect(body.runs[2]!.metrics.final_val_accuracy).toBeCloseTo(0.69, 6);
  });

  it('falls back to config.json when the events hold no hparams', async () => {
    const dir = join(logdir, 'configured');
    writeForeignRun(logdir, 'configured', 3).writer.close();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model: 'mlp', optim: { lr: 0.01, betas: [0.9, 0.999] }, amp: true }));
    const body = (await request(app).get(`/api/runs/configured/hparams`).expect(200)).body;
    expect(body.source).toBe('config');
    expect(body.hparams).toEqual({ model: 'mlp', 'optim.lr': 0.01, 'optim.betas': '0.9x0.999', amp: true });
  });
});

describe('export', () => {
  it('CSV: one row per point, as a download', async () => {
    const res = await request(app).get(`/api/runs/${enc('pytorch/exp1')}/export.csv`).expect(200).expect('content-type', /text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="?pytorch_exp1-scalars.csv"?/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('tag,step,wall_time,value');
    expect(lines).toHaveLength(1 + 4 * 6);
    expect(lines[1]).toBe(`Accuracy/train,1,1700000010,${Math.fround(0.55)}`);
  });

  it('JSON: every series by tag', async () => {
    const res = await request(app).get(`/api/runs/${enc('group/lenet-a')}/export.json`).expect(200).expect('content-type', /json/);
    expect(res.headers['content-disposition']).toMatch(/group_lenet-a-scalars.json/);
    const body = JSON.parse(res.text);
    expect(body.run).toBe('group/lenet-a');
    expect(Object.keys(body.scalars)).toContain('val/accuracy');
    expect(body.scalars['val/accuracy']).toHaveLength(10);
  });
});

describe('refusals', () => {
  it.each([
    ['..', '%2E%2E'],
    ['../etc', '%2E%2E%2Fetc'],
    ['group/../../x', 'group%2F%2E%2E%2F%2E%2E%2Fx'],
    ['absolute path', encodeURIComponent('/etc/passwd')],
    ['absolute path to a run', encodeURIComponent(join(outside, 'secret'))],
    ['a backslash path', encodeURIComponent('..\\x')],
    ['a symlink pointing outside', 'escape'],
  ])('refuses %s with 403 and a JSON error', async (_what, run) => {
    for (const endpoint of ['scalars', 'diagnosis', 'hparams', 'export.csv']) {
      const res = await request(app).get(`/api/runs/${run}/${endpoint}`).expect(403).expect('content-type', /json/);
      expect(res.body.error).toMatch(/Refused/);
    }
  });

  it('does not list a run reached through a symlink out of the logdir', async () => {
    const body = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    expect(body.runs.map((r) => r.name)).not.toContain('escape');
  });

  it('answers unknown runs, architectures and endpoints with 404 JSON errors', async () => {
    expect((await request(app).get('/api/runs/nope/scalars').expect(404)).body.error).toMatch(/Unknown run "nope"/);
    // A directory that exists but holds no run.
    mkdirSync(join(logdir, 'empty-dir'), { recursive: true });
    expect((await request(app).get('/api/runs/empty-dir/diagnosis').expect(404)).body.error).toMatch(/Unknown run/);
    expect((await request(app).get('/api/architectures/lenett/summary').expect(404)).body.error).toMatch(/Unknown architecture "lenett". Did you mean: lenet/);
    expect((await request(app).get('/api/nothing').expect(404)).body.error).toMatch(/No such API endpoint/);
  });
});

describe('damaged and growing event files', () => {
  it('serves what could be read from a damaged, truncated file, with warnings', async () => {
    const { dir, writer } = writeForeignRun(logdir, 'damaged', 5);
    writer.close();
    const bytes = readFileSync(writer.path);
    // Corrupt one byte inside a record in the middle (its data CRC fails), and cut the last record short.
    const damaged = Buffer.from(bytes.subarray(0, bytes.length - 7));
    damaged[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(writer.path, damaged);
    const scalars = (await request(app).get(`/api/runs/damaged/scalars`).expect(200)).body as ScalarsResponse;
    const total = Object.values(scalars.series).reduce((n, s) => n + s.length, 0);
    expect(total).toBeGreaterThan(10);
    expect(total).toBeLessThan(20);
    expect(scalars.series['Loss/train']![0]).toMatchObject({ step: 1, value: 2 });
    expect(scalars.warnings.join('\n')).toMatch(/crc/i);
    expect(scalars.warnings.join('\n')).toMatch(/bytes after the last complete record/);
    const runs = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    expect(runs.runs.find((r) => r.name === 'damaged')!.warnings.length).toBeGreaterThan(0);
    await request(app).get(`/api/runs/damaged/diagnosis`).expect(200);
    expect(dir).toBeTruthy();
  });

  it('reads only what was appended since the last poll', async () => {
    const { writer } = writeForeignRun(logdir, 'live', 3);
    const first = (await request(app).get('/api/runs/live/scalars').expect(200)).body as ScalarsResponse;
    expect(first.series['Loss/train']!.map((p) => p.step)).toEqual([1, 2, 3]);

    // Scribble over a record that was already read: a poll that re-read the file would report damage.
    const size = readFileSync(writer.path).length;
    const bytes = readFileSync(writer.path);
    bytes[size - 10]! ^= 0xff;
    writeFileSync(writer.path, bytes);

    for (let epoch = 4; epoch <= 5; epoch++) writer.scalar('Loss/train', 2 / epoch, epoch, { legacy: true });
    writer.flush();
    const next = (await request(app).get(`/api/runs/live/scalars?since=${first.cursor}`).expect(200)).body as ScalarsResponse;
    expect(next.reset).toBe(false);
    expect(next.series).toEqual({ 'Loss/train': [expect.objectContaining({ step: 4 }), expect.objectContaining({ step: 5 })] });
    expect(next.warnings).toEqual([]);
    expect(next.cursor).not.toBe(first.cursor);

    const none = (await request(app).get(`/api/runs/live/scalars?since=${next.cursor}`).expect(200)).body as ScalarsResponse;
    expect(none.series).toEqual({});

    // A new event file (a resumed writer) is picked up too.
    writer.close();
    writeForeignRun(logdir, 'live', 1).writer.close();
    const third = (await request(app).get(`/api/runs/live/scalars?since=${next.cursor}`).expect(200)).body as ScalarsResponse;
    expect(third.reset).toBe(false);
    expect(Object.keys(third.series).sort()).toEqual(['Accuracy/train', 'Accuracy/val', 'Loss/train', 'Loss/val']);
    expect(third.series['Loss/train']!.map((p) => p.step)).toEqual([1]);
  });

  it('starts over when a file is rewritten shorter (events pruned on resume)', async () => {
    const { writer } = writeForeignRun(logdir, 'pruned', 4);
    writer.close();
    const first = (await request(app).get('/api/runs/pruned/scalars').expect(200)).body as ScalarsResponse;
    expect(first.series['Loss/val']).toHaveLength(4);
    const bytes = readFileSync(writer.path);
    writeFileSync(writer.path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const next = (await request(app).get(`/api/runs/pruned/scalars?since=${first.cursor}`).expect(200)).body as ScalarsResponse;
    expect(next.reset).toBe(true);
    expect(next.series['Loss/train']!.length).toBeLessThan(4);
  });
});

describe('a resumed run’s restart record (SessionLog START), as TensorBoard applies it', () => {
  it('drops the points the killed process logged at or after the restart step, for a client holding them too', async () => {
    const runDir = join(logdir, 'restarted');
    const first = new SummaryWriter(runDir, { flushIntervalMs: 0 });
    first.sessionStartLog(0);
    for (let epoch = 1; epoch <= 4; epoch++) first.scalar('val/loss', epoch, epoch);
    first.close();
    const before = (await request(app).get('/api/runs/restarted/scalars').expect(200)).body as ScalarsResponse;
    expect(before.series['val/loss']!.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    const resumed = new SummaryWriter(runDir, { flushIntervalMs: 0 });
    resumed.sessionStartLog(3);
    resumed.scalar('val/loss', 30, 3);
    resumed.close();
    const after = (await request(app).get(`/api/runs/restarted/scalars?since=${before.cursor}`).expect(200)).body as ScalarsResponse;
    expect(after.reset).toBe(true);
    expect(after.series['val/loss']!.map((p) => [p.step, p.value])).toEqual([[1, 1], [2, 2], [3, 30]]);
  });
});

describe('architectures and complexity', () => {
  it('GET /api/architectures lists every registered model of the loaded families', async () => {
    const body = (await request(app).get('/api/architectures').expect(200)).body;
    const names = body.architectures.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['lenet', 'bn-lenet', 'alexnet-d2l', 'vgg11-d2l', 'resnet18-d2l', 'densenet-d2l']));
    expect(body.architectures.find((a: { name: string }) => a.name === 'lenet')).toMatchObject({ family: 'lenet', input: [1, 28, 28], classes: 10 });
    expect(Array.isArray(body.missing)).toBe(true);
  });

  it('GET /api/architectures/:name/summary: per layer, or per block with ?depth=', async () => {
    const all = (await request(app).get('/api/architectures/lenet/summary').expect(200)).body;
    expect(all.totals.params).toBe(61706);
    expect(all.depth).toBeNull();
    expect(all.rows.length).toBeGreaterThan(8);
    const blocks = (await request(app).get('/api/architectures/lenet/summary?depth=1').expect(200)).body;
    expect(blocks.rows.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['block1', 'block2', 'fc1', 'fc2', 'head']));
    expect(blocks.totals.macs).toBe(416520);
    await request(app).get('/api/architectures/lenet/summary?depth=0').expect(400);
  });

  it('GET /api/complexity?names=: compareArchitectures rows, cached', async () => {
    const body = (await request(app).get('/api/complexity?names=lenet,bn-lenet').expect(200)).body;
    expect(body.rows.map((r: { name: string }) => r.name)).toEqual(['lenet', 'bn-lenet']);
    expect(body.rows[0]).toMatchObject({ params: 61706, macs: 416520, family: 'lenet' });
    expect(body.rows[0].denseShare).toBeGreaterThan(0.9);
    const again = (await request(app).get('/api/complexity?names=lenet').expect(200)).body;
    expect(again.computedMs).toBe(0);
    await request(app).get('/api/complexity?names=nope').expect(404);
  });
});

describe('a logdir that is itself a run', () => {
  it('names it "." and serves it (encoded as %2E)', async () => {
    const dir = tempDir('dashboard-flat-');
    writeForeignRun(dir, '.', 2).writer.close();
    const flat = createDashboardApp({ logdir: dir });
    const runs = (await request(flat).get('/api/runs').expect(200)).body as RunsResponse;
    expect(runs.runs.map((r) => r.name)).toEqual(['.']);
    const scalars = (await request(flat).get(`/api/runs/${enc('.')}/scalars`).expect(200)).body as ScalarsResponse;
    expect(scalars.run).toBe('.');
    expect(scalars.series['Loss/val']).toHaveLength(2);
    const csv = await request(flat).get(`/api/runs/%2E/export.csv`).expect(200);
    expect(csv.headers['content-disposition']).toMatch(/logdir-scalars.csv/);
  });
});

describe('client', () => {
  it('serves a page saying how to build the client when it is not built', async () => {
    const res = await request(app).get('/').expect(503).expect('content-type', /html/);
    expect(res.text).toMatch(/npm run build -w @cnnlab\/dashboard/);
    await request(app).get('/api').expect(200);
  });
});
