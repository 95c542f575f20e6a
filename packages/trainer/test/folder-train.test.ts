import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun, loadSplit, predictImages, readReport, runPaths, train } from '../src/index.js';
import { addBadFiles, writeImageFolder } from './helpers/image-folder.js';
import './helpers/test-arch.js';

const CLASSES = 5;
const PER_CLASS = 16;
let work: string;
let flat: string;
let splits: string;
let bad: ReturnType<typeof addBadFiles>;

const RUN = { arch: 'test-bnnet', epochs: 1, batchSize: 16, lr: 0.05, seed: 3 } as const;

/** Trains on a folder and returns the run's report and its log lines. */
async function trainFolder(name: string, root: string, extra: Record<string, unknown> = {}, input: [number, number, number] = [1, 16, 16]) {
  const lines: string[] = [];
  const { runDir, report } = await train({ ...RUN, input, dataset: { name: 'folder', dir: root, ...extra }, logdir: join(work, 'runs'), name, cacheDir: join(work, 'cache') }, { log: (m) => lines.push(m) });
  return { runDir, report, log: lines.join('\n') };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cnnlab-folder-train-'));
  flat = join(work, 'flat');
  await writeImageFolder(flat, { classes: CLASSES, perClass: PER_CLASS });
  bad = addBadFiles(flat);
  splits = join(work, 'splits');
  await writeImageFolder(join(splits, 'train'), { classes: CLASSES, perClass: 12 });
  await writeImageFolder(join(splits, 'test'), { classes: CLASSES, perClass: 4 });
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('train() on a folder data set', () => {
  let first: Awaited<ReturnType<typeof trainFolder>>;
  beforeAll(async () => { first = await trainFolder('gray', flat); }, 120_000);

  it('trains a gray model on the readable images with the seeded 70/20/10 split, reporting every bad file by path', () => {
    expect(first.report.status).toBe('finished');
    expect(first.report.dataset).toMatchObject({ name: 'folder', images: CLASSES * PER_CLASS, split: 'seeded' });
    expect(first.report.dataset.train + first.report.dataset.val + first.report.dataset.test).toBe(CLASSES * PER_CLASS);
    expect(first.log).toMatch(/decoding 84 images into the cache/);
    expect(first.log).toContain('skipped 5 bad file(s)');
    for (const path of [...bad.corrupt, bad.nonImage]) expect(first.log).toContain(path);
  });

  it('a second run reuses the cache; touching a file rebuilds it', async () => {
    const again = await trainFolder('gray-again', flat);
    expect(again.log).not.toMatch(/decoding|stale/);
    expect(again.report.history[0]!.trainLoss).toBe(first.report.history[0]!.trainLoss);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(flat, 'class2', 'img002.jpg'), later, later);
    const touched = await trainFolder('gray-touched', flat);
    expect(touched.log).toMatch(/cache .* is stale \(the folder changed/);
  }, 120_000);

  it('streams batches from the cache file when the images are over the memory budget, with the same results', async () => {
    process.env.CNNLAB_FOLDER_MEMORY_MB = '0';
    try {
      const streamed = await trainFolder('gray-streamed', flat);
      expect(streamed.log).toMatch(/over the memory budget of 0 MiB; batches stream from/);
      expect(streamed.report.history).toHaveLength(1);
      const inMemory = await trainFolder('gray-in-memory', flat, {}, [1, 16, 16]);
      expect(streamed.report.history[0]!.trainLoss).toBe(inMemory.report.history[0]!.trainLoss);
      expect(streamed.report.history[0]!.valLoss).toBe(inMemory.report.history[0]!.valLoss);
    } finally {
      delete process.env.CNNLAB_FOLDER_MEMORY_MB;
    }
  }, 120_000);

  it('decodes RGB for a 3-channel model', async () => {
    const rgb = await trainFolder('rgb', flat, { resize: 20 }, [3, 16, 16]);
    expect(rgb.log).toMatch(/folder-[0-9a-f]+-20x20x3\.bin/);
    expect(JSON.parse(readFileSync(runPaths(rgb.runDir).normalization, 'utf8')).mean).toHaveLength(3);
  }, 120_000);

  it('--on-bad-image fail stops before training, naming each bad file', async () => {
    const error = await trainFolder('fail', flat, { onBadImage: 'fail' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/5 bad file\(s\) \(--on-bad-image fail/);
    for (const path of bad.corrupt) expect((error as Error).message).toContain(path);
  }, 60_000);
});

describe('a folder with train/ and test/ sub-folders', () => {
  it('uses them as the splits (validation drawn from train/), and evaluates on test/', async () => {
    const { runDir, report } = await trainFolder('splits', splits);
    expect(report.dataset).toMatchObject({ split: 'folders', images: CLASSES * 16, test: CLASSES * 4 });
    expect(report.dataset.train + report.dataset.val).toBe(CLASSES * 12);
    const split = loadSplit(runPaths(runDir).split);
    expect(Math.min(...split.test)).toBe(CLASSES * 12); // the cache lists train/ first, then test/
    const test = await evaluateRun(runDir, { cacheDir: join(work, 'cache') });
    expect(test.count).toBe(CLASSES * 4);
    expect(readReport(runDir).test?.accuracy).toBe(test.accuracy);
  }, 120_000);

  it('--split official takes test/; a flat folder has none and says so', async () => {
    const official = await trainFolder('official', splits, { officialSplit: true });
    expect(official.report.dataset).toMatchObject({ split: 'official', test: CLASSES * 4 });
    await expect(trainFolder('official-flat', flat, { officialSplit: true })).rejects.toThrow(/--split official needs a test\/ sub-folder/);
  }, 120_000);
});

describe('predict on a folder run', () => {
  let runDir: string;
  beforeAll(async () => { ({ runDir } = await trainFolder('predict', flat, {}, [3, 16, 16])); }, 120_000);

  it('reads every format the folder set reads, names the folder classes', async () => {
    const pixels = join(work, 'same-pixels');
    await writeImageFolder(pixels, { classes: 1, perClass: 1, formats: ['png'] });
    const png = join(pixels, 'class0', 'img000.png');
    const gif = join(work, 'same.gif');
    const sharp = (await import('sharp')).default;
    await sharp(png).gif().toFile(gif);
    const files = ['class0/img000.jpg', 'class1/img000.png', 'class2/img000.webp', 'class3/img000.gif'].map((f) => join(flat, f));
    const predictions = await predictImages(runDir, [...files, png, gif]);
    expect(predictions.map((p) => p.file)).toEqual([...files, png, gif]);
    for (const p of predictions) expect(p.className).toMatch(/^class[0-4]$/);
    // A two-colour image is lossless in PNG and GIF: the same pixels give the same probabilities.
    expect(predictions[5]!.top).toEqual(predictions[4]!.top);
  }, 60_000);

  it('names a file it cannot decode', async () => {
    await expect(predictImages(runDir, [bad.corrupt[0]!])).rejects.toThrow(`image: ${bad.corrupt[0]} cannot be decoded as JPEG, PNG, WebP or GIF`);
  });
});
