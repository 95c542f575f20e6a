import { describe, expect, it } from 'vitest';
import { checkDataset, DATASET_NAMES, loadDataset, toGrayscale, type DatasetName } from '../../src/data/index.js';
import { syntheticDataset } from './helpers.js';

describe('loadDataset', () => {
  it('knows four data sets and rejects others', () => {
    expect([...DATASET_NAMES]).toEqual(['fashion-mnist', 'mnist', 'idx', 'cifar10']);
    expect(() => loadDataset({ name: 'imagenet' as DatasetName })).toThrow('Unknown data set "imagenet". Choose one of: fashion-mnist, mnist, idx, cifar10');
  });
});

describe('checkDataset', () => {
  it('accepts consistent data and names what is inconsistent', () => {
    const ds = syntheticDataset({ perClass: [2, 3] });
    expect(() => checkDataset(ds)).not.toThrow();
    expect(() => checkDataset({ ...ds, count: 6 })).toThrow(/80 image bytes; expected count·height·width·channels = 6·4·4·1 = 96/);
    expect(() => checkDataset({ ...ds, labels: ds.labels.subarray(1) })).toThrow(/4 labels; expected 5/);
    expect(() => checkDataset({ ...ds, classes: ['only'] })).toThrow(/label 1 of image 1 is not below the 1 classes/);
  });
});

describe('toGrayscale', () => {
  it('converts RGB by integer ITU-R 601 luma and keeps gray as is', () => {
    const rgb = syntheticDataset({ perClass: [1, 1], height: 1, width: 2, channels: 3, pixel: (i, p) => [255, 0, 0, 0, 255, 0][p]! + i * 0 });
    const gray = toGrayscale(rgb);
    expect(gray.channels).toBe(1);
    expect(Array.from(gray.images)).toEqual([76, 150, 76, 150]);
    const g = syntheticDataset({ perClass: [1] });
    expect(toGrayscale(g)).toBe(g);
    expect(() => toGrayscale({ ...g, channels: 2, images: new Uint8Array(32) })).toThrow(/cannot convert 2 channels/);
  });
});
