import { initEngine, tf } from '@cnnlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchSource, computeNormalization, makeSplit, RESIZE } from '../../src/data/index.js';
import { syntheticDataset } from './helpers.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

/** torch.nn.functional.interpolate(mode='bilinear', align_corners=False) on one HW plane. */
function torchBilinear(src: Float32Array | number[], h: number, w: number, oh: number, ow: number): Float64Array {
  const out = new Float64Array(oh * ow);
  const index = (o: number, n: number, on: number) => {
    const s = Math.max(0, ((o + 0.5) * n) / on - 0.5);
    const i0 = Math.min(Math.floor(s), n - 1);
    const i1 = i0 < n - 1 ? i0 + 1 : i0;
    return [i0, i1, s - i0] as const;
  };
  for (let y = 0; y < oh; y++) {
    const [y0, y1, ly] = index(y, h, oh);
    for (let x = 0; x < ow; x++) {
      const [x0, x1, lx] = index(x, w, ow);
      const v = (a: number, b: number) => src[a * w + b]!;
      out[y * ow + x] = (1 - ly) * ((1 - lx) * v(y0, x0) + lx * v(y0, x1)) + ly * ((1 - lx) * v(y1, x0) + lx * v(y1, x1));
    }
  }
  return out;
}

const ds = syntheticDataset({ perClass: [4, 3, 3], height: 28, width: 28, pixel: (i, p) => ((p % 28) * 9 + Math.floor(p / 28) * 5 + i * 17) & 255 });

describe('BatchSource', () => {
  it('resizes 28→96, repeats gray into 3 channels and normalises', () => {
    const norm = { mean: [0.3], std: [0.4] };
    const src = new BatchSource(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { inputShape: [3, 96, 96], normalization: norm, batchSize: 4 });
    expect(src.batchesPerEpoch).toBe(3);
    const order = src.sequentialOrder();
    const { x, y } = src.batch(order, 0);
    expect(x.shape).toEqual([4, 96, 96, 3]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([4]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual(Array.from(ds.labels.subarray(0, 4)));
    const values = x.dataSync() as Float32Array;
    // Image 1 against a float64 torch-style bilinear resize of its normalised pixels.
    const plane = Array.from(ds.images.subarray(784, 2 * 784), (v) => (v / 255 - 0.3) / 0.4);
    const ref = torchBilinear(plane, 28, 28, 96, 96);
    let maxErr = 0;
    for (let p = 0; p < 96 * 96; p++) {
      for (let c = 0; c < 3; c++) maxErr = Math.max(maxErr, Math.abs(values[(96 * 96 + p) * 3 + c]! - ref[p]!));
    }
    expect(maxErr).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    // The last batch is clipped.
    const last = src.batch(order, 8);
    expect(last.x.shape).toEqual([2, 96, 96, 3]);
    tf.dispose([last.x, last.y]);
    expect(RESIZE).toEqual({ method: 'bilinear', alignCorners: false, halfPixelCenters: true });
  });

  it('gives the same batches bit for bit for the same seed and epoch', () => {
    const split = makeSplit(ds.labels, { train: 0.8, val: 0.2, test: 0 }, 3);
    const norm = computeNormalization(ds, split.train);
    const make = () => new BatchSource(ds, split.train, { inputShape: [1, 96, 96], normalization: norm, batchSize: 3 });
    const a = make();
    const b = make();
    const orderA = a.epochOrder(11, 2);
    const orderB = b.epochOrder(11, 2);
    expect(orderB).toEqual(orderA);
    expect(Array.from(orderA).sort((p, q) => p - q)).toEqual(Array.from(split.train));
    expect(a.epochOrder(11, 3)).not.toEqual(orderA);
    expect(a.epochOrder(12, 2)).not.toEqual(orderA);
    for (let start = 0; start < orderA.length; start += 3) {
      const ba = a.batch(orderA, start);
      const bb = b.batch(orderB, start);
      expect(Buffer.from((ba.x.dataSync() as Float32Array).buffer).equals(Buffer.from((bb.x.dataSync() as Float32Array).buffer))).toBe(true);
      expect(ba.y.dataSync()).toEqual(bb.y.dataSync());
      tf.dispose([ba.x, ba.y, bb.x, bb.y]);
    }
  });

  it('iterates batches from a given batch (resume mid-epoch) without leaking tensors', () => {
    const src = new BatchSource(ds, Array.from({ length: 10 }, (_, i) => i), { inputShape: [1, 28, 28], batchSize: 4 });
    const order = src.epochOrder(1, 0);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    for (const { x, y, index, start } of src.batches(order, 1)) {
      seen.push(index, start, x.shape[0]);
      tf.dispose([x, y]);
    }
    expect(seen).toEqual([1, 4, 4, 2, 8, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without resizing, the inputs are exactly (byte/255 − mean)/std in float32', () => {
    const norm = { mean: [0.25], std: [0.5] };
    const src = new BatchSource(ds, [5, 2], { inputShape: [1, 28, 28], normalization: norm, batchSize: 2 });
    const { x, y } = src.batch([5, 2], 0);
    const v = x.dataSync();
    expect(v[0]).toBe(Math.fround((ds.images[5 * 784]! / 255 - 0.25) / 0.5));
    expect(v[784 + 100]).toBe(Math.fround((ds.images[2 * 784 + 100]! / 255 - 0.25) / 0.5));
    tf.dispose([x, y]);
    // Without a normalisation: byte / 255.
    const plain = new BatchSource(ds, [5], { inputShape: [1, 28, 28], batchSize: 1 }).gather([5], 0);
    expect(plain.pixels[7]).toBe(Math.fround(ds.images[5 * 784 + 7]! / 255));
  });

  it('gathers RGB per channel', () => {
    const rgb = syntheticDataset({ perClass: [2, 2], height: 2, width: 2, channels: 3, pixel: (i, p) => (p % 3) * 100 + i });
    const src = new BatchSource(rgb, [0, 1, 2, 3], { inputShape: [3, 2, 2], normalization: { mean: [0, 0.5, 1], std: [1, 1, 2] }, batchSize: 4 });
    const { pixels } = src.gather([3], 0);
    expect(pixels[0]).toBe(Math.fround(3 / 255));
    expect(pixels[1]).toBe(Math.fround(103 / 255 - 0.5));
    expect(pixels[2]).toBe(Math.fround((203 / 255 - 1) / 2));
  });

  it('refuses 3→1 channels, bad shapes and bad indices', () => {
    const rgb = syntheticDataset({ perClass: [2], height: 2, width: 2, channels: 3 });
    expect(() => new BatchSource(rgb, [0], { inputShape: [1, 28, 28], batchSize: 1 })).toThrow(/3 channels \(RGB\) but the model takes 1. Convert the images to gray with --grayscale .*--input 3,32,32/);
    expect(() => new BatchSource(ds, [0], { inputShape: [1, 28] as unknown as [number, number, number], batchSize: 1 })).toThrow(/three positive integers/);
    expect(() => new BatchSource(ds, [0], { inputShape: [1, 28, 28], batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new BatchSource(ds, [10], { inputShape: [1, 28, 28], batchSize: 1 })).toThrow(/index 10 is out of range/);
    expect(() => new BatchSource(ds, [0], { inputShape: [1, 28, 28], batchSize: 1, normalization: { mean: [0, 0, 0], std: [1, 1, 1] } })).toThrow(/3 channels, but the data has 1/);
    const src = new BatchSource(ds, [0, 1], { inputShape: [1, 28, 28], batchSize: 1 });
    expect(() => src.batch([0, 1], 2)).toThrow(/outside the order/);
  });
});
