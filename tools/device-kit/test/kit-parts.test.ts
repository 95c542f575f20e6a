import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, loadIdxDirectory, parseIdx } from '@cnnlab/trainer';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../src/fashion-idx.js';
import { KIT_TORCH_GLOBAL, shimFiles } from '../src/shims.js';

describe('encodeIdx', () => {
  it('writes files the trainer\'s IDX reader parses back to the same arrays', () => {
    const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 7) % 256);
    const labels = Uint8Array.from([2, 0, 1]);
    expect(parseIdx(encodeIdx(IDX_IMAGES_MAGIC, [3, 4, 5], images), 'x', 'images')).toEqual({ dims: [3, 4, 5], data: images });
    const dir = mkdtempSync(join(tmpdir(), 'kit-idx-'));
    try {
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx(IDX_IMAGES_MAGIC, [3, 4, 5], images));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(IDX_LABELS_MAGIC, [3], labels));
      const ds = loadIdxDirectory(dir, { classes: ['a', 'b', 'c'] });
      expect([ds.count, ds.height, ds.width]).toEqual([3, 4, 5]);
      expect(ds.images).toEqual(images);
      expect(ds.labels).toEqual(labels);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shimFiles', () => {
  it('re-exports the bundled torch module and loads the families as empty modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-shims-'));
    try {
      for (const f of shimFiles(['probeTorch', 'registerTorchBackend'], ['@cnnlab/arch-lenet'])) {
        mkdirSync(join(dir, f.path, '..'), { recursive: true });
        writeFileSync(join(dir, f.path), f.text);
      }
      const fake = { probeTorch: () => 'probed', registerTorchBackend: () => 'registered' };
      (globalThis as Record<symbol, unknown>)[KIT_TORCH_GLOBAL] = fake;
      const shim = await import(pathToFileURL(join(dir, '@cnnlab/backend-torch/index.js')).href);
      expect(shim.probeTorch()).toBe('probed');
      expect(shim.registerTorchBackend()).toBe('registered');
      expect(Object.keys(await import(pathToFileURL(join(dir, '@cnnlab/arch-lenet/index.js')).href))).toEqual([]);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[KIT_TORCH_GLOBAL];
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects names that are not architecture packages', () => {
    expect(() => shimFiles(['probeTorch'], ['left-pad'])).toThrow(/left-pad is not an @cnnlab\/arch-\* package/);
    expect(() => shimFiles([], [])).toThrow(/exports nothing/);
  });
});
