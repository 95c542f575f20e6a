import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { writeFileAtomic } from '@cnnlab/core';
import { sha256 } from './cache.js';
import { hashSeed, Mulberry32, shuffleInPlace } from './random.js';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

/** d2l-style default: 70 % training, 20 % validation, 10 % test of the pooled data. */
export const DEFAULT_SPLIT: Readonly<SplitFractions> = Object.freeze({ train: 0.7, val: 0.2, test: 0.1 });

/**
 * Which images (indices into the data set) are in each part. Each index array
 * is sorted ascending; the three are disjoint and together cover 0..count-1.
 */
export interface Split {
  train: Uint32Array;
  val: Uint32Array;
  test: Uint32Array;
  seed: number;
  fractions: SplitFractions;
  /** Images in the data set the split was made for. */
  count: number;
  /** `sha256:<hex>` of the data set's labels: a split loaded for another data set is detected. */
  labelsChecksum: string;
}

const PARTS = ['train', 'val', 'test'] as const;
/** Salt so split streams differ from other uses of the same run seed. */
const SPLIT_SALT = 0x5f11;
const EPS = 1e-9;

export function labelsChecksum(labels: Uint8Array): string {
  return `sha256:${sha256(labels).toString('hex')}`;
}

/** Throws unless each fraction is in [0, 1] and they sum to 1 within 1e-9. */
export function checkFractions(fractions: SplitFractions): SplitFractions {
  const values = PARTS.map((k) => (fractions as unknown as Record<string, unknown>)[k]);
  const shown = PARTS.map((k, i) => `${k} ${String(values[i])}`).join(', ');
  if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)) {
    throw new Error(`split fractions must each be a number in [0, 1]; got ${shown}`);
  }
  const sum = (values as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > EPS) throw new Error(`split fractions must sum to 1 (within 1e-9); got ${shown} (sum ${Number(sum.toPrecision(12))})`);
  return { train: fractions.train, val: fractions.val, test: fractions.test };
}

/**
 * Parses "70/20/10", "70/10/20", "0.8/0.1/0.1" or "0.7,0.2,0.1" (percentages
 * when any number is above 1) into fractions.
 */
export function parseSplitFractions(text: string): SplitFractions {
  const parts = text.split(/[/,:\s]+/).filter((s) => s !== '').map(Number);
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v))) {
    throw new Error(`split "${text}": expected three numbers train/val/test, e.g. 70/20/10 or 0.7/0.2/0.1`);
  }
  const scale = parts.some((v) => v > 1) ? 100 : 1;
  const [train, val, test] = parts.map((v) => v / scale) as [number, number, number];
  return checkFractions({ train, val, test });
}

/**
 * Splits the images into training / validation / test, stratified: every
 * class is split in the given proportions (each per-class count is the exact
 * share rounded down or up, so within ±1), counts sum exactly to the class
 * size, and the leftover units are given out so that the overall sizes also
 * stay within about 1 of the exact shares. Seeded: the same labels, fractions
 * and seed give the same split on any machine. Each class's part is a prefix
 * or slice of one seeded permutation, so with the same seed, splits with the
 * same train fraction (70/20/10 vs 70/10/20) have the same training set
 * whenever their per-class train counts agree (they differ by at most one per class).
 */
export function makeSplit(labels: Uint8Array, fractions: SplitFractions = DEFAULT_SPLIT, seed = 0): Split {
  const f = checkFractions(fractions);
  if (!Number.isSafeInteger(seed)) throw new Error(`makeSplit: seed must be an integer; got ${String(seed)}`);
  const shares = PARTS.map((k) => f[k]);
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) (byClass[labels[i]!] ??= []).push(i);
  const parts: number[][] = [[], [], []];
  const deficit = [0, 0, 0]; // exact share so far minus what was given, per part
  for (let c = 0; c < byClass.length; c++) {
    const members = byClass[c];
    if (!members || members.length === 0) continue;
    const n = members.length;
    const exact = shares.map((s) => s * n);
    const counts = exact.map((e) => Math.floor(e + EPS));
    const fracs = exact.map((e, k) => Math.max(0, e - counts[k]!));
    let leftover = n - counts.reduce((a, b) => a + b, 0);
    // Parts whose exact share is not whole, most behind overall first (ties: train, val, test).
    const order = [0, 1, 2].filter((k) => fracs[k]! > EPS).sort((a, b) => deficit[b]! + fracs[b]! - (deficit[a]! + fracs[a]!) || a - b);
    for (const k of order) {
      if (leftover <= 0) break;
      counts[k]!++;
      leftover--;
    }
    // Only reachable through floating-point edge cases: give the rest to the largest positive share.
    for (let k = 0; leftover > 0; k = (k + 1) % 3) {
      if (shares[k]! > 0) {
        counts[k]!++;
        leftover--;
      }
    }
    for (let k = 0; k < 3; k++) deficit[k] = deficit[k]! + exact[k]! - counts[k]!;
    const shuffled = shuffleInPlace(Uint32Array.from(members), new Mulberry32(hashSeed(seed, SPLIT_SALT, c)));
    let at = 0;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < counts[k]!; j++) parts[k]!.push(shuffled[at++]!);
    }
  }
  const [train, val, test] = parts.map((p) => Uint32Array.from(p).sort()) as [Uint32Array, Uint32Array, Uint32Array];
  return { train, val, test, seed, fractions: f, count: labels.length, labelsChecksum: labelsChecksum(labels) };
}

/** Images per class in each part: `[part][class]`. */
export function splitClassCounts(split: Split, labels: Uint8Array, numClasses?: number): Record<'train' | 'val' | 'test', number[]> {
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < labels.length; i++) k = Math.max(k, labels[i]! + 1);
  const out = { train: new Array<number>(k).fill(0), val: new Array<number>(k).fill(0), test: new Array<number>(k).fill(0) };
  for (const part of PARTS) for (const i of split[part]) out[part][labels[i]!]!++;
  return out;
}

/**
 * Checks a split against a data set's labels: same image count and labels
 * checksum, indices in range, parts disjoint.
 */
export function verifySplit(split: Split, labels: Uint8Array): void {
  if (split.count !== labels.length) throw new Error(`split: made for ${split.count} images, but the data set has ${labels.length}`);
  const checksum = labelsChecksum(labels);
  if (split.labelsChecksum !== checksum) {
    throw new Error(`split: made for a different data set (labels ${split.labelsChecksum}, this data set's labels ${checksum})`);
  }
  checkIndices(split);
}

function checkIndices(split: Split): void {
  const seen = new Uint8Array(split.count);
  for (const part of PARTS) {
    for (const i of split[part]) {
      if (i >= split.count) throw new Error(`split: ${part} index ${i} is out of range (count ${split.count})`);
      if (seen[i]) throw new Error(`split: image ${i} is in more than one part`);
      seen[i] = 1;
    }
  }
}

const FORMAT = 'cnnlab-split';
const ENCODING = 'delta-uint32le-deflate-base64';

function encodeIndices(indices: Uint32Array): string {
  const delta = new Uint32Array(indices.length);
  let prev = 0;
  for (let i = 0; i < indices.length; i++) {
    delta[i] = (indices[i]! - prev) >>> 0;
    prev = indices[i]!;
  }
  const bytes = Buffer.from(delta.buffer, delta.byteOffset, delta.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) bytes.swap32(); // store little-endian on big-endian hosts
  return deflateSync(bytes, { level: 9 }).toString('base64');
}

function decodeIndices(text: string, expected: number, what: string): Uint32Array {
  let bytes: Buffer;
  try {
    bytes = inflateSync(Buffer.from(text, 'base64'));
  } catch (error) {
    throw new Error(`${what}: indices could not be decoded (${error instanceof Error ? error.message : String(error)})`);
  }
  if (bytes.length !== expected * 4) throw new Error(`${what}: decodes to ${bytes.length / 4} indices; expected ${expected}`);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) bytes.swap32();
  const delta = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Uint32Array(expected);
  let prev = 0;
  for (let i = 0; i < expected; i++) {
    prev = (prev + delta[i]!) >>> 0;
    out[i] = prev;
  }
  return out;
}

function indicesChecksum(split: Pick<Split, 'train' | 'val' | 'test'>): string {
  const parts = PARTS.map((k) => Buffer.from(split[k].buffer, split[k].byteOffset, split[k].byteLength));
  return `sha256:${sha256(...parts).toString('hex')}`;
}

/** The JSON form of a split (about 38 kB for 70,000 images, vs 373 kB as plain base64). */
export function splitToJSON(split: Split): Record<string, unknown> {
  return {
    format: FORMAT,
    version: 1,
    seed: split.seed,
    fractions: split.fractions,
    count: split.count,
    labelsChecksum: split.labelsChecksum,
    sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
    encoding: ENCODING,
    train: encodeIndices(split.train),
    val: encodeIndices(split.val),
    test: encodeIndices(split.test),
    indicesChecksum: indicesChecksum(split),
  };
}

/** Parses and validates the JSON form (`what` names it in errors). */
export function splitFromJSON(json: unknown, what = 'split'): Split {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || o.format !== FORMAT) throw new Error(`${what}: not a cnnlab split (format "${String(o?.format)}"; expected "${FORMAT}")`);
  if (o.version !== 1) throw new Error(`${what}: split format version ${String(o.version)}; expected 1`);
  if (o.encoding !== ENCODING) throw new Error(`${what}: encoding "${String(o.encoding)}"; expected "${ENCODING}"`);
  const sizes = o.sizes as Record<string, unknown> | undefined;
  const count = o.count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw new Error(`${what}: bad count ${String(count)}`);
  if (typeof o.seed !== 'number' || !Number.isSafeInteger(o.seed)) throw new Error(`${what}: bad seed ${String(o.seed)}`);
  if (typeof o.labelsChecksum !== 'string') throw new Error(`${what}: missing labelsChecksum`);
  const decoded = {} as Record<(typeof PARTS)[number], Uint32Array>;
  for (const part of PARTS) {
    const size = sizes?.[part];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new Error(`${what}: bad sizes.${part} ${String(size)}`);
    const text = o[part];
    if (typeof text !== 'string') throw new Error(`${what}: missing "${part}" indices`);
    decoded[part] = decodeIndices(text, size, `${what} (${part})`);
  }
  if (indicesChecksum(decoded) !== o.indicesChecksum) throw new Error(`${what}: indices checksum mismatch; the file is corrupt`);
  const split: Split = {
    ...decoded,
    seed: o.seed,
    fractions: checkFractions(o.fractions as SplitFractions),
    count,
    labelsChecksum: o.labelsChecksum,
  };
  checkIndices(split);
  return split;
}

/** Writes the split as JSON, atomically (creates the folder). */
export function saveSplit(path: string, split: Split): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(splitToJSON(split), null, 2)}\n`);
}

/**
 * Reads a split saved by saveSplit. With `labels`, also checks it was made for
 * that data set (same count and labels checksum).
 */
export function loadSplit(path: string, labels?: Uint8Array): Split {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`split: ${path} could not be read as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const split = splitFromJSON(json, `split ${path}`);
  if (labels) verifySplit(split, labels);
  return split;
}
