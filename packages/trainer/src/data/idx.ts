import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Dataset } from './dataset.js';
import { PART } from './parts.js';
import { readMaybeGzip } from './gz.js';

/**
 * IDX files, the format of the original MNIST / Fashion-MNIST / KMNIST
 * downloads: magic 0x0000TTDD (TT = element type, 0x08 = uint8; DD = number
 * of dimensions), DD big-endian uint32 sizes, then the data.
 * Images are 0x00000803 (n × rows × cols), labels 0x00000801 (n).
 */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** Parses one IDX uint8 array, checking its magic against what `kind` expects and its size against the header. */
export function parseIdx(bytes: Uint8Array, path: string, kind: 'images' | 'labels'): IdxArray {
  const expected = kind === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const want = `expected ${hex(expected)} (${kind})`;
  if (bytes.length < 4) throw new Error(`idx: ${path} has ${bytes.length} bytes, too short for an IDX header; ${want}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expected) {
    let what: string;
    if (magic === IDX_LABELS_MAGIC) what = 'is a label file';
    else if (magic === IDX_IMAGES_MAGIC) what = 'is an image file';
    else if (bytes[0] !== 0 || bytes[1] !== 0) what = 'is not an IDX header';
    else if (bytes[2] !== 0x08) what = `has element type 0x${bytes[2]!.toString(16).padStart(2, '0')} (${TYPE_NAMES[bytes[2]!] ?? 'unknown'}), not uint8`;
    else what = `has ${bytes[3]} dimensions`;
    throw new Error(`idx: ${path}: magic ${hex(magic)} ${what}; ${want}`);
  }
  const ndims = bytes[3]!;
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new Error(`idx: ${path} has ${bytes.length} bytes; its ${ndims}-dimension header alone needs ${headerBytes}`);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const elements = dims.reduce((a, b) => a * b, 1);
  const size = headerBytes + elements;
  if (bytes.length !== size) {
    throw new Error(
      `idx: ${path} has ${bytes.length} bytes; expected ${size} (${headerBytes}-byte header + ${dims.join('×')} uint8)` +
        (bytes.length < size ? ' — the file is truncated' : ' — trailing bytes after the data'),
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads and parses an IDX file, gunzipping `.gz` (or any gzip-magic) files. */
export function readIdxFile(path: string, kind: 'images' | 'labels'): IdxArray {
  return parseIdx(readMaybeGzip(path, 'idx'), path, kind);
}

function candidates(prefix: string, kind: 'images' | 'labels'): string[] {
  const n = kind === 'images' ? 3 : 1;
  const names = [`${prefix}-${kind}-idx${n}-ubyte`, `${prefix}-${kind}.idx${n}-ubyte`];
  return names.flatMap((name) => [name, `${name}.gz`]);
}

function find(dir: string, prefix: string, kind: 'images' | 'labels'): string | undefined {
  for (const name of candidates(prefix, kind)) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export interface IdxLoadOptions {
  /** Data set name recorded in the Dataset (default 'idx'). */
  name?: string;
  /** Class names in label order; default '0', '1', … up to the largest label. */
  classes?: readonly string[];
}

/**
 * Loads `train-images-idx3-ubyte` / `train-labels-idx1-ubyte` and
 * `t10k-images-idx3-ubyte` / `t10k-labels-idx1-ubyte` (also `.gz`, and the
 * `train-images.idx3-ubyte` spelling) from `dir`, pooling train + t10k
 * (train first) when both exist.
 */
export function loadIdxDirectory(dir: string, options: IdxLoadOptions = {}): Dataset {
  const name = options.name ?? 'idx';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${name}: ${dir} is not a directory; expected a folder with train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz) and/or the t10k-… pair`);
  const parts: { prefix: string; images: IdxArray; labels: IdxArray; imagesPath: string; labelsPath: string }[] = [];
  for (const prefix of ['train', 't10k']) {
    const imagesPath = find(dir, prefix, 'images');
    const labelsPath = find(dir, prefix, 'labels');
    if (!imagesPath && !labelsPath) continue;
    if (!imagesPath) throw new Error(`${name}: ${labelsPath} has no matching images file; expected ${join(dir, candidates(prefix, 'images')[0]!)} (or .gz)`);
    if (!labelsPath) throw new Error(`${name}: ${imagesPath} has no matching labels file; expected ${join(dir, candidates(prefix, 'labels')[0]!)} (or .gz)`);
    const images = readIdxFile(imagesPath, 'images');
    const labels = readIdxFile(labelsPath, 'labels');
    if (images.dims.length !== 3) throw new Error(`idx: ${imagesPath} has ${images.dims.length} dimensions; expected 3 (count, rows, cols)`);
    if (images.dims[0] !== labels.dims[0]) {
      throw new Error(`${name}: ${imagesPath} holds ${images.dims[0]} images but ${labelsPath} holds ${labels.dims[0]} labels; the counts must match`);
    }
    parts.push({ prefix, images, labels, imagesPath, labelsPath });
  }
  if (parts.length === 0) {
    throw new Error(`${name}: no IDX files in ${dir}; expected train-images-idx3-ubyte + train-labels-idx1-ubyte and/or t10k-images-idx3-ubyte + t10k-labels-idx1-ubyte (optionally .gz)`);
  }
  const [, height, width] = parts[0]!.images.dims as [number, number, number];
  for (const p of parts) {
    if (p.images.dims[1] !== height || p.images.dims[2] !== width) {
      throw new Error(`${name}: ${p.imagesPath} images are ${p.images.dims[1]}×${p.images.dims[2]} but ${parts[0]!.imagesPath} images are ${height}×${width}`);
    }
  }
  const count = parts.reduce((n, p) => n + p.images.dims[0]!, 0);
  const images = new Uint8Array(count * height * width);
  const labels = new Uint8Array(count);
  const origin = new Uint8Array(count);
  let at = 0;
  let maxLabel = 0;
  for (const p of parts) {
    const n = p.images.dims[0]!;
    images.set(p.images.data, at * height * width);
    labels.set(p.labels.data, at);
    origin.fill(p.prefix === 't10k' ? PART.test : PART.train, at, at + n);
    for (let i = 0; i < n; i++) maxLabel = Math.max(maxLabel, p.labels.data[i]!);
    at += n;
  }
  let classes: string[];
  if (options.classes) {
    classes = [...options.classes];
    if (maxLabel >= classes.length) {
      const p = parts.find((q) => q.labels.data.some((l) => l >= classes.length))!;
      throw new Error(`${name}: ${p.labelsPath} holds label ${maxLabel}, but only ${classes.length} class names were given`);
    }
  } else {
    classes = Array.from({ length: Math.max(maxLabel + 1, 1) }, (_, i) => String(i));
  }
  const described = parts.map((p) => `${basename(p.imagesPath)} (${p.images.dims[0]})`).join(' + ');
  const dataset: Dataset = {
    name,
    images,
    labels,
    count,
    height,
    width,
    channels: 1,
    classes,
    source: `IDX files in ${dir}: ${described}`,
    parts: origin,
  };
  if (parts.length === 2) dataset.note = `train (${parts[0]!.images.dims[0]}) and t10k (${parts[1]!.images.dims[0]}): a seeded split draws from all ${count} pooled; --split official tests on t10k`;
  else dataset.note = `only the ${parts[0]!.prefix} files were found`;
  return dataset;
}
