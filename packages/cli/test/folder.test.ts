import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cnnlab } from './run-cli.js';

let dir: string;
let root: string;
const FORMATS = ['jpg', 'png', 'webp', 'gif'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cnnlab-cli-folder-'));
  process.env.CNNLAB_CACHE_DIR = join(dir, 'cache'); // the folder caches stay out of the repository's cache
  root = join(dir, 'photos');
  const jobs: Promise<unknown>[] = [];
  for (let c = 0; c < 3; c++) {
    mkdirSync(join(root, `kind${c}`), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const image = sharp({ create: { width: 24 + i * 3, height: 30 + c * 5, channels: 3, background: { r: c * 110, g: 200 - c * 60, b: 40 } } });
      jobs.push(image.toFile(join(root, `kind${c}`, `p${i}.${FORMATS[i % 4]}`)));
    }
  }
  await Promise.all(jobs);
  writeFileSync(join(root, 'kind1', 'broken.jpg'), 'not a jpeg');
  writeFileSync(join(root, 'kind2', 'notes.txt'), 'not an image');
}, 60_000);

afterAll(() => {
  delete process.env.CNNLAB_CACHE_DIR;
  rmSync(dir, { recursive: true, force: true });
});

describe('cnnlab train --dataset folder', () => {
  it('trains, reports the bad files, lists the run with its split and predicts a WebP', async () => {
    const args = ['train', '--arch', 'lenet', '--dataset', 'folder', '--data-dir', root, '--epochs', '1', '--batch-size', '8', '--logdir', join(dir, 'runs'), '--name', 'folder-run'];
    const { code, out, err } = await cnnlab(...args, '--resize', '32');
    expect(code, err).toBe(0);
    const printed = out + err;
    expect(printed).toContain('skipped 2 bad file(s)');
    expect(printed).toContain(join(root, 'kind1', 'broken.jpg'));
    expect(printed).toContain(join(root, 'kind2', 'notes.txt'));
    expect(printed).toMatch(/Run finished/);
    expect((await cnnlab('runs', '--logdir', join(dir, 'runs'))).out).toMatch(/^folder-run\s+lenet\s+finished\s+seeded\s+1\/1/m);
    const predicted = await cnnlab('predict', join(dir, 'runs', 'folder-run'), join(root, 'kind0', 'p2.webp'), join(root, 'kind0', 'p3.gif'));
    expect(predicted.code, predicted.err).toBe(0);
    expect(predicted.out).toMatch(/p2\.webp: kind[012] \(/);
    expect(predicted.out).toMatch(/p3\.gif: kind[012] \(/);
  }, 120_000);

  it('--on-bad-image fail names the file; --split official on a flat folder says what is missing', async () => {
    const base = ['train', '--arch', 'lenet', '--dataset', 'folder', '--data-dir', root, '--epochs', '1', '--logdir', join(dir, 'runs')];
    expect((await cnnlab(...base, '--on-bad-image', 'fail')).err).toMatch(/2 bad file\(s\) \(--on-bad-image fail; use skip to leave them out\):\n[\s\S]*broken\.jpg/);
    expect((await cnnlab(...base, '--split', 'official')).err).toMatch(/--split official needs a test\/ sub-folder/);
    expect((await cnnlab(...base, '--on-bad-image', 'maybe')).err).toMatch(/--on-bad-image.*maybe/);
  }, 60_000);
});
