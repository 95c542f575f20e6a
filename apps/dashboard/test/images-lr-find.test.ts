/**
 * The image and lr-find endpoints on real results: a LeNet trained one epoch with --augment (its augmented-sample
 * grid and misclassified grid in the event files) and an lr-find range test, both by @cnnlab/trainer.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeEvent, imageValue, readRunDirectory, scalarValue, SessionStatus, SummaryWriter, textValue } from '@cnnlab/tfevents';
import { decodePng, IMAGE_GRID_GAP, LR_FIND_FILE, lrFind, train, type LrFindRecord } from '@cnnlab/trainer';
import '@cnnlab/arch-lenet';
import { createDashboardApp } from '../server/index.js';
import { mayHoldImage } from '../server/images.js';
import type { ImagesResponse } from '../server/image-types.js';
import { GRID_GAP, gridCells } from '../src/lib/run-images.js';
import type { LrFindResponse } from '../server/lr-find-types.js';
import type { RunsResponse } from '../server/types.js';
import { tempDir, writeForeignRun } from './fixtures.js';

const logdir = tempDir('dashboard-images-');
let app: ReturnType<typeof createDashboardApp>;
let record: LrFindRecord;
const runPath = (run: string) => `/api/runs/${encodeURIComponent(run).replace(/\./g, '%2E')}`;
const imagePath = (run: string, tag: string, step: number | string) => `${runPath(run)}/images/${encodeURIComponent(tag)}/${step}`;
/** Width and height from a PNG's IHDR chunk (after the 8-byte signature and the chunk's length and type). */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const binary = (res: request.Response, done: (e: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

beforeAll(async () => {
  await train({ arch: 'lenet', epochs: 1, dataset: { limit: 300 }, batchSize: 32, lr: 0.1, augment: 'crop:4,flip', logdir, name: 'augmented' });
  ({ record } = await lrFind({ arch: 'lenet', dataset: { limit: 600 }, batchSize: 32, range: { steps: 30 }, logdir, name: 'lr-find/lenet' }));
  // An lr-find result whose file was damaged by hand.
  cpSync(join(logdir, 'lr-find/lenet'), join(logdir, 'lr-find/damaged'), { recursive: true });
  const damaged = JSON.parse(readFileSync(join(logdir, 'lr-find/damaged', LR_FIND_FILE), 'utf8'));
  damaged.points[3].lr = 'fast';
  writeFileSync(join(logdir, 'lr-find/damaged', LR_FIND_FILE), JSON.stringify(damaged));
  writeForeignRun(logdir, 'pytorch/exp').writer.close();
  app = createDashboardApp({ logdir, scanIntervalMs: 0 });
}, 120_000);

describe('GET /api/runs/:run/images', () => {
  it('lists the augmented-sample grid and the misclassified grid with their sizes, and the run\'s augmentation', async () => {
    const body = (await request(app).get(`${runPath('augmented')}/images`).expect(200)).body as ImagesResponse;
    expect(body.augment).toBe('crop:4,flip:0.5');
    expect(body.images.map((i) => [i.tag, i.step])).toEqual([['augment/samples', 0], ['summary/misclassified', 1]]);
    // What the event files hold, read independently.
    const { events } = await readRunDirectory(join(logdir, 'augmented'));
    for (const listed of body.images) {
      const written = events.flatMap((e) => (e.summary?.values ?? []).map((v) => ({ v, step: e.step }))).find(({ v, step }) => v.tag === listed.tag && step === listed.step)!.v;
      expect(written.kind).toBe('image');
      if (written.kind !== 'image') continue;
      expect(listed).toMatchObject({ width: written.width, height: written.height, samples: 1, bytes: written.images[0]!.length, contentType: 'image/png' });
    }
    // The misclassified grid's labels: the trainer's text summary beside it, as written.
    const labels = events.flatMap((e) => e.summary?.values ?? []).find((v) => v.tag === 'summary/misclassified_labels');
    expect(labels?.kind).toBe('text');
    expect(body.images.find((i) => i.tag === 'summary/misclassified')!.labels).toBe(labels?.kind === 'text' ? labels.text : null);
    expect(body.images.find((i) => i.tag === 'augment/samples')!.labels).toBeUndefined();
  });

  it('lists none for a run of another tool without images', async () => {
    const body = (await request(app).get(`${runPath('pytorch/exp')}/images`).expect(200)).body as ImagesResponse;
    expect(body).toMatchObject({ images: [], augment: null });
  });
});

describe('gridCells: the misclassified grid\'s per-image tooltips', () => {
  it('place one box on each image of the real grid, the gaps between them white, as its labels name them', async () => {
    expect(GRID_GAP).toBe(IMAGE_GRID_GAP);
    const body = (await request(app).get(`${runPath('augmented')}/images`).expect(200)).body as ImagesResponse;
    const grid = body.images.find((i) => i.tag === 'summary/misclassified')!;
    const cells = gridCells(grid.labels!, grid.width, grid.height);
    const lines = grid.labels!.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(cells.length).toBe(lines.length);
    expect(cells.length).toBeGreaterThan(1);
    cells.forEach((c, k) => expect(lines[k]!.replace(/\*\*/g, '')).toContain(c.text));
    expect(cells[0]!.text).toMatch(/^image \d+: true .+, predicted .+$/);
    // The widest row and the last row end on the image's edges.
    expect(Math.max(...cells.map((c) => c.left + c.width))).toBeCloseTo(100, 9);
    expect(Math.max(...cells.map((c) => c.top + c.height))).toBeCloseTo(100, 9);
    const png = (await request(app).get(imagePath('augmented', grid.tag, grid.step)).buffer(true).parse(binary).expect(200)).body as Buffer;
    const image = decodePng(png, 1);
    expect([image.width, image.height]).toEqual([grid.width, grid.height]);
    const px = (pct: number, of: number) => Math.round((pct / 100) * of);
    const first = cells[0]!, second = cells.find((c) => c.row === 1 && c.column === 2)!;
    // The columns between the first two boxes are the grid's white gap, on every line of the first row.
    const gapStart = px(first.left + first.width, grid.width), gapEnd = px(second.left, grid.width);
    expect(gapEnd - gapStart).toBe(IMAGE_GRID_GAP);
    for (let y = 0; y < px(first.height, grid.height); y++) {
      for (let x = gapStart; x < gapEnd; x++) expect(image.pixels[y * grid.width + x]).toBe(255);
    }
  });

  it('give none for labels that do not describe a grid', () => {
    expect(gridCells('the test set was evaluated', 64, 64)).toEqual([]);
    expect(gridCells('1. (row 1, column 1) image 3: true a, predicted b\n2. image 4 somewhere', 64, 64)).toEqual([]);
    expect(gridCells('1. (row 1, column 9) image 3: true a, predicted b', 64, 64)).toEqual([]);
  });
});

describe('mayHoldImage', () => {
  it('passes image summaries and every record that is not a summary, and no scalar or plain text', async () => {
    const png = (await request(app).get(imagePath('augmented', 'augment/samples', 0)).buffer(true).parse(binary).expect(200)).body as Buffer;
    const event = (e: Partial<Parameters<typeof encodeEvent>[0]>) => encodeEvent({ wallTime: 1_700_000_000.5, step: 123_456, ...e });
    expect(mayHoldImage(event({ summary: { value: [imageValue('grid', [png], pngSize(png))] } }))).toBe(true);
    expect(mayHoldImage(event({ sessionLog: { status: SessionStatus.START } }))).toBe(true);
    expect(mayHoldImage(event({ fileVersion: 'brain.Event:2', step: 0 }))).toBe(true);
    expect(mayHoldImage(event({ summary: { value: [scalarValue('loss', 0.25)] } }))).toBe(false);
    expect(mayHoldImage(event({ summary: { value: [textValue('note', 'no picture here')] } }))).toBe(false);
  });
});

describe('images of a run that is still written', () => {
  it('reads images appended since the last request, and drops those a resume\'s restart record orphans', async () => {
    const png = async (tag: string, step: number) => (await request(app).get(imagePath('augmented', tag, step)).buffer(true).parse(binary).expect(200)).body as Buffer;
    const [a, b] = [await png('augment/samples', 0), await png('summary/misclassified', 1)];
    const size = pngSize(a);
    const dir = join(logdir, 'live/run');
    const first = new SummaryWriter(dir, { flushIntervalMs: 0 });
    first.sessionStartLog(0);
    first.scalar('loss', 1, 1);
    for (const step of [1, 2]) first.image('samples', a, size, step);
    first.flush();
    const steps = async () => ((await request(app).get(`${runPath('live/run')}/images`).expect(200)).body as ImagesResponse).images.map((i) => i.step);
    expect(await steps()).toEqual([1, 2]);
    first.image('samples', a, size, 3);
    first.close();
    expect(await steps()).toEqual([1, 2, 3]);
    // A resume from step 2: its restart record orphans steps 2 and 3, and it writes step 2 again.
    const resumed = new SummaryWriter(dir, { flushIntervalMs: 0 });
    resumed.sessionStartLog(2);
    resumed.image('samples', b, pngSize(b), 2);
    resumed.close();
    expect(await steps()).toEqual([1, 2]);
    const served = (await request(app).get(imagePath('live/run', 'samples', 2)).buffer(true).parse(binary).expect(200)).body as Buffer;
    expect(served.equals(b)).toBe(true);
    await request(app).get(imagePath('live/run', 'samples', 3)).expect(404);
  });
});

describe('GET /api/runs/:run/images/:tag/:step', () => {
  it('serves the PNG bytes of the written size as image/png', async () => {
    const list = (await request(app).get(`${runPath('augmented')}/images`).expect(200)).body as ImagesResponse;
    const grid = list.images.find((i) => i.tag === 'augment/samples')!;
    const res = await request(app).get(imagePath('augmented', 'augment/samples', 0)).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = res.body as Buffer;
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBe(grid.bytes);
    expect(pngSize(png)).toEqual({ width: grid.width, height: grid.height });
    // 16 augmented 28x28 images on a grid: wider and taller than one image.
    expect(grid.width).toBeGreaterThan(28 * 2);
    expect(grid.height).toBeGreaterThan(28 * 2);
  });

  it('answers 404 for an unknown tag or step and 400 for a malformed step or sample', async () => {
    expect((await request(app).get(imagePath('augmented', 'no/such-tag', 0)).expect(404)).body.error).toBe('Run "augmented" has no image tag "no/such-tag"');
    expect((await request(app).get(imagePath('augmented', 'augment/samples', 7)).expect(404)).body.error).toBe('Run "augmented" has no "augment/samples" image at step 7 (steps: 0)');
    expect((await request(app).get(imagePath('augmented', 'augment/samples', 'x1')).expect(400)).body.error).toBe('step must be a non-negative integer, got "x1"');
    expect((await request(app).get(imagePath('augmented', 'augment/samples', -1)).expect(400)).body.error).toMatch(/^step must be/);
    expect((await request(app).get(imagePath('augmented', 'augment/samples', 1.5)).expect(400)).body.error).toMatch(/^step must be/);
    expect((await request(app).get(`${imagePath('augmented', 'augment/samples', 0)}?sample=1`).expect(400)).body.error).toBe('sample must be an integer from 0 to 0, got "1"');
  });

  it('validates the run path as the other run endpoints do', async () => {
    expect((await request(app).get('/api/runs/..%2F..%2Fetc/images').expect(403)).body.error).toBeTruthy();
    expect((await request(app).get(imagePath('no/such-run', 'augment/samples', 0)).expect(404)).body.error).toBe('Unknown run "no/such-run"');
  });
});

describe('lr-find results', () => {
  it('lists an lr-find result as kind lr-find with its suggested rate and no verdict; a training run stays cnnlab', async () => {
    const { runs } = (await request(app).get('/api/runs').expect(200)).body as RunsResponse;
    const lr = runs.find((r) => r.name === 'lr-find/lenet')!;
    expect(lr).toMatchObject({
      kind: 'lr-find', arch: 'lenet', status: 'finished', fit: null, epochs: null, bestEpoch: null,
      lrFind: { suggestedLr: record.suggestedLr, minimumOver10Lr: record.suggestions.minimumOver10.lr, defaultLr: 0.9 },
    });
    expect(runs.find((r) => r.name === 'augmented')).toMatchObject({ kind: 'cnnlab' });
    expect(runs.find((r) => r.name === 'augmented')!.lrFind).toBeUndefined();
    expect(runs.find((r) => r.name === 'lr-find/damaged')).toMatchObject({ kind: 'lr-find', warnings: [expect.stringMatching(/points\[3\]\.lr must be a number/)] });
  });

  it('answers lr-find.json with the sentence the CLI printed', async () => {
    const body = (await request(app).get(`${runPath('lr-find/lenet')}/lr-find`).expect(200)).body as LrFindResponse;
    expect(body).toMatchObject({ ...JSON.parse(readFileSync(join(logdir, 'lr-find/lenet', LR_FIND_FILE), 'utf8')), run: 'lr-find/lenet' });
    expect(body.points).toHaveLength(record.points.length);
    expect(body.description).toMatch(/^Suggested learning rate \S+ \(steepest descent of the smoothed loss, at step \d+\); the minimum\/10 rule gives/);
  });

  it('refuses a damaged lr-find.json with 422 naming the field, and a training run with 404', async () => {
    expect((await request(app).get(`${runPath('lr-find/damaged')}/lr-find`).expect(422)).body.error).toBe('lr-find/damaged/lr-find.json: points[3].lr must be a number');
    expect((await request(app).get(`${runPath('augmented')}/lr-find`).expect(404)).body.error).toBe('Run "augmented" is not an lr-find result: no lr-find.json');
  });
});
