import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core';
import { gatherImages, type Dataset } from './dataset.js';

/**
 * Per-channel mean and standard deviation in [0, 1] pixel units (byte / 255),
 * computed on the training split only; a model input is (byte/255 − mean) / std.
 */
export interface Normalization {
  mean: number[];
  std: number[];
}

/**
 * Mean and (population) standard deviation per channel of the images at
 * `trainIndices`, exact: it counts a 256-bin histogram per channel and
 * reduces that in float64. A channel with no spread gets std 1 (so
 * normalising never divides by 0).
 */
export function computeNormalization(dataset: Dataset, trainIndices: ArrayLike<number>): Normalization {
  const { channels: c, height, width, count } = dataset;
  if (trainIndices.length === 0) throw new Error(`${dataset.name}: cannot compute normalisation from an empty training split`);
  const pixels = height * width;
  const hist = new Float64Array(256 * c);
  const per = pixels * c;
  // A streamed data set is read in chunks, never whole.
  const chunk = dataset.reader ? 512 : trainIndices.length;
  let images = dataset.images;
  let chunkStart = 0;
  for (let n = 0; n < trainIndices.length; n++) {
    const i = trainIndices[n]!;
    if (!(i >= 0 && i < count)) throw new Error(`${dataset.name}: training index ${i} is out of range (count ${count})`);
    if (dataset.reader && n % chunk === 0) {
      chunkStart = n;
      images = gatherImages(dataset, Array.from({ length: Math.min(chunk, trainIndices.length - n) }, (_, k) => trainIndices[n + k]!));
    }
    const base = (dataset.reader ? n - chunkStart : i) * per;
    if (c === 1) {
      for (let p = 0; p < per; p++) hist[images[base + p]!]!++;
    } else {
      for (let p = 0; p < per; p++) hist[(p % c) * 256 + images[base + p]!]!++;
    }
  }
  const total = trainIndices.length * pixels;
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let v = 0; v < 256; v++) sum += v * hist[ch * 256 + v]!;
    const m = sum / total;
    let sq = 0;
    for (let v = 0; v < 256; v++) sq += (v - m) * (v - m) * hist[ch * 256 + v]!;
    const s = Math.sqrt(sq / total) / 255;
    mean.push(m / 255);
    std.push(s > 0 ? s : 1);
  }
  return { mean, std };
}

/** The identity in [0, 1] units: inputs are byte / 255 (what d2l's ToTensor gives). */
export function unitNormalization(channels: number): Normalization {
  return { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

/**
 * 256-entry float32 lookup tables, one per channel: lut[c·256 + byte] = (byte/255 − mean[c]) / std[c].
 * Without a normalisation the tables give byte / 255.
 */
export function normalizationTable(channels: number, normalization?: Normalization): Float32Array {
  const norm = normalization ?? unitNormalization(channels);
  checkNormalization(norm, channels);
  const lut = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - norm.mean[c]!) / norm.std[c]!;
  }
  return lut;
}

/** Throws unless mean and std have `channels` finite entries and std > 0. */
export function checkNormalization(norm: Normalization, channels?: number, what = 'normalisation'): Normalization {
  if (!norm || !Array.isArray(norm.mean) || !Array.isArray(norm.std)) throw new Error(`${what}: expected {mean: number[], std: number[]}`);
  if (norm.mean.length !== norm.std.length) throw new Error(`${what}: ${norm.mean.length} means but ${norm.std.length} standard deviations`);
  if (channels !== undefined && norm.mean.length !== channels) {
    throw new Error(`${what}: has ${norm.mean.length} channel${norm.mean.length === 1 ? '' : 's'}, but the data has ${channels}`);
  }
  if (norm.mean.some((m) => typeof m !== 'number' || !Number.isFinite(m))) throw new Error(`${what}: mean must be finite numbers; got ${JSON.stringify(norm.mean)}`);
  if (norm.std.some((s) => typeof s !== 'number' || !Number.isFinite(s) || s <= 0)) throw new Error(`${what}: std must be positive numbers; got ${JSON.stringify(norm.std)}`);
  return norm;
}

const FORMAT = 'cnnlab-normalization';

/** Writes `{format, version, units, mean, std}` as JSON, atomically (creates the folder). */
export function saveNormalization(path: string, normalization: Normalization): void {
  checkNormalization(normalization);
  mkdirSync(dirname(path), { recursive: true });
  const json = { format: FORMAT, version: 1, units: 'pixel/255; input = (pixel/255 - mean) / std', computedOn: 'training split', mean: normalization.mean, std: normalization.std };
  writeFileAtomic(path, `${JSON.stringify(json, null, 2)}\n`);
}

/** Reads a file written by saveNormalization (or any JSON with mean and std arrays). */
export function loadNormalization(path: string): Normalization {
  let json: { format?: unknown; mean?: unknown; std?: unknown };
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as typeof json;
  } catch (error) {
    throw new Error(`normalisation: ${path} could not be read as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (json.format !== undefined && json.format !== FORMAT) throw new Error(`normalisation: ${path} has format "${String(json.format)}"; expected "${FORMAT}"`);
  const norm = { mean: json.mean as number[], std: json.std as number[] };
  return checkNormalization(norm, undefined, `normalisation ${path}`);
}
