import { initEngine, tf } from '@cnnlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustBrightness, adjustContrast, adjustSaturation, AugmentedBatches, Augmenter, AugmentSpecError, augmentSampleGrid, BatchSource, canonicalAugment,
  colorJitter, computeNormalization, decodePng, Draws, horizontalFlip, imageView, mixBatch, parseAugment, randomCrop, randomErase, randomResizedCrop,
  resizedCropBox, trainingBatches,
} from '../../src/data/index.js';
import { syntheticDataset } from './helpers.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

/** A w×h gray image whose pixel (y, x) is 10·y + x + 1 (all distinct, none 0). */
const ramp = (h: number, w: number) => Uint8Array.from({ length: h * w }, (_, p) => 10 * Math.floor(p / w) + (p % w) + 1);

/** The draws of image `i` (seed 3, epoch 0, op 0). */
const draws = (i: number, seed = 3, epoch = 0, op = 0) => new Draws(seed, epoch, i, op);

describe('counter-based draws', () => {
  it('are a pure function of (seed, epoch, image, op), and change with each part', () => {
    const seq = (d: Draws) => Array.from({ length: 5 }, () => d.uniform());
    expect(seq(draws(5))).toEqual(seq(draws(5)));
    const base = seq(draws(5))[0];
    for (const other of [draws(6), draws(5, 4), draws(5, 3, 1), draws(5, 3, 0, 1)]) expect(seq(other)[0]).not.toBe(base);
  });

  it('give uniform integers, and Beta(α, α) draws with mean ½ and the right spread', () => {
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[draws(i).int(5)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
    for (const alpha of [0.2, 1, 4]) {
      const xs = Array.from({ length: 4000 }, (_, i) => draws(i).beta(alpha, alpha));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(mean).toBeCloseTo(0.5, 1);
      expect(variance).toBeCloseTo(1 / (4 * (2 * alpha + 1)), 1); // Var Beta(α, α) = 1 / (4(2α + 1))
    }
  });
});

describe('per-image ops', () => {
  it('random crop with padding shifts the image by up to the padding, filling with zeros, and draws every shift', () => {
    const shifts = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const img = imageView(ramp(5, 5), 5, 5, 1);
      randomCrop(img, draws(i), 1);
      const found: string[] = [];
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const expected = Array.from({ length: 25 }, (_, p) => {
          const y = Math.floor(p / 5) + dy, x = (p % 5) + dx;
          return y < 0 || y >= 5 || x < 0 || x >= 5 ? 0 : 10 * y + x + 1;
        });
        if (expected.every((v, p) => v === img.data[p])) found.push(`${dy},${dx}`);
      }
      expect(found).toHaveLength(1);
      shifts.add(found[0]!);
    }
    expect(shifts.size).toBe(9);
  });

  it('horizontal flip mirrors rows (every channel) with probability p', () => {
    const rgb = imageView(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 2, 2, 3);
    horizontalFlip(rgb, draws(0), 1);
    expect(Array.from(rgb.data)).toEqual([4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
    const kept = imageView(ramp(3, 3), 3, 3, 1);
    horizontalFlip(kept, draws(0), 0);
    expect(kept.data).toEqual(ramp(3, 3));
    let flipped = 0;
    for (let i = 0; i < 2000; i++) {
      const img = imageView(ramp(1, 2), 1, 2, 1);
      horizontalFlip(img, draws(i), 0.5);
      if (img.data[0] === 2) flipped++;
    }
    expect(Math.abs(flipped - 1000)).toBeLessThan(100);
  });

  it('brightness, contrast and saturation follow torchvision on uint8 (blend, clamp, truncate)', () => {
    const b = imageView(Uint8Array.from([100, 200, 3]), 1, 3, 1);
    adjustBrightness(b, 1.5);
    expect(Array.from(b.data)).toEqual([150, 255, 4]); // 4.5 truncates to 4
    const c = imageView(Uint8Array.from([10, 20, 30, 41]), 2, 2, 1);
    adjustContrast(c, 0); // every pixel becomes the mean, 25.25 → 25
    expect(Array.from(c.data)).toEqual([25, 25, 25, 25]);
    const s = imageView(Uint8Array.from([255, 0, 0, 10, 20, 30]), 1, 2, 3);
    adjustSaturation(s, 0); // gray = trunc(0.299 R + 0.587 G + 0.114 B)
    expect(Array.from(s.data)).toEqual([76, 76, 76, 18, 18, 18]);
    const gray = imageView(Uint8Array.from([9, 99]), 1, 2, 1);
    adjustSaturation(gray, 0);
    expect(Array.from(gray.data)).toEqual([9, 99]);
  });

  it('colour jitter scales brightness by a factor within its range and leaves a zero strength alone', () => {
    for (let i = 0; i < 100; i++) {
      const img = imageView(new Uint8Array(4).fill(100), 2, 2, 1);
      colorJitter(img, draws(i), { brightness: 0.4, contrast: 0, saturation: 0 });
      expect(new Set(img.data).size).toBe(1);
      expect(img.data[0]).toBeGreaterThanOrEqual(60);
      expect(img.data[0]).toBeLessThanOrEqual(140);
    }
    const none = imageView(ramp(3, 3), 3, 3, 1);
    colorJitter(none, draws(0), { brightness: 0, contrast: 0, saturation: 0 });
    expect(none.data).toEqual(ramp(3, 3));
  });

  it('random erasing fills one rectangle of 2–33% of the image with the fill value', () => {
    for (let i = 0; i < 50; i++) {
      const img = imageView(new Uint8Array(20 * 20 * 3).fill(200), 20, 20, 3);
      randomErase(img, draws(i), 1, [7, 8, 9]);
      const erased: [number, number][] = [];
      for (let p = 0; p < 400; p++) {
        const px = Array.from(img.data.subarray(p * 3, p * 3 + 3));
        if (px[0] === 7) { expect(px).toEqual([7, 8, 9]); erased.push([Math.floor(p / 20), p % 20]); } else expect(px).toEqual([200, 200, 200]);
      }
      const ys = erased.map(([y]) => y), xs = erased.map(([, x]) => x);
      const boxArea = (Math.max(...ys) - Math.min(...ys) + 1) * (Math.max(...xs) - Math.min(...xs) + 1);
      expect(erased.length).toBe(boxArea); // a full rectangle
      expect(erased.length / 400).toBeGreaterThan(0.01);
      expect(erased.length / 400).toBeLessThan(0.4);
    }
    const kept = imageView(new Uint8Array(16).fill(5), 4, 4, 1);
    randomErase(kept, draws(0), 0, [0]);
    expect(kept.data.every((v) => v === 5)).toBe(true);
  });

  it('random-resized crop draws boxes within the image and scale range, and resamples the box bilinearly', () => {
    for (let i = 0; i < 200; i++) {
      const box = resizedCropBox(32, 32, draws(i), 0.25);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top + box.h).toBeLessThanOrEqual(32);
      expect(box.left + box.w).toBeLessThanOrEqual(32);
      expect((box.h * box.w) / 1024).toBeGreaterThan(0.2);
      expect(box.w / box.h).toBeGreaterThan(0.7);
      expect(box.w / box.h).toBeLessThan(1.4);
    }
    // A horizontal ramp stays a non-decreasing ramp whose values come from the box's columns.
    for (let i = 0; i < 20; i++) {
      const h = 16, w = 16;
      const pixels = Uint8Array.from({ length: h * w }, (_, p) => (p % w) * 10);
      const img = imageView(pixels, h, w, 1);
      const box = resizedCropBox(h, w, draws(i), 0.08);
      randomResizedCrop(img, draws(i), 0.08);
      const row = Array.from(img.data.subarray(0, w));
      for (let x = 1; x < w; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!);
      expect(row[0]).toBeGreaterThanOrEqual(box.left * 10);
      expect(row[w - 1]).toBeLessThanOrEqual((box.left + box.w - 1) * 10);
      for (let y = 1; y < h; y++) expect(Array.from(img.data.subarray(y * w, (y + 1) * w))).toEqual(row);
    }
  });
});

describe('mixup and cutmix', () => {
  const n = 4, per = 3 * 3, classes = 3;
  const batch = () => Float32Array.from({ length: n * per }, (_, i) => Math.floor(i / per) * 10 + (i % per));
  const labels = [0, 1, 2, 0];

  it('mixup blends each image with the next one and gives matching soft targets', () => {
    const pixels = batch();
    const original = batch();
    const targets = mixBatch(pixels, labels, n, 3, 3, 1, classes, { mixup: 1, cutmix: 0 }, (b) => draws(b, 3, 0, 1000));
    for (let b = 0; b < n; b++) {
      const t = targets.subarray(b * classes, (b + 1) * classes);
      expect(t.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
      const partner = (b + 1) % n;
      const lambda = labels[b] === labels[partner] ? 1 : t[labels[b]!]!;
      if (labels[b] === labels[partner]) continue; // both weights land on one class
      for (let i = 0; i < per; i++) {
        expect(pixels[b * per + i]).toBeCloseTo(lambda * original[b * per + i]! + (1 - lambda) * original[partner * per + i]!, 4);
      }
    }
  });

  it('cutmix pastes a box of the next image and weighs the targets by the pasted area', () => {
    let pasted = 0;
    for (let seed = 0; seed < 20; seed++) {
      const pixels = batch();
      const original = batch();
      const targets = mixBatch(pixels, labels, n, 3, 3, 1, classes, { mixup: 0, cutmix: 1 }, (b) => draws(b, seed, 0, 1000));
      for (let b = 0; b < n; b++) {
        const partner = (b + 1) % n;
        let fromPartner = 0;
        for (let i = 0; i < per; i++) {
          const v = pixels[b * per + i];
          if (v === original[partner * per + i]) fromPartner++;
          else expect(v).toBe(original[b * per + i]);
        }
        pasted += fromPartner;
        if (labels[b] !== labels[partner]) expect(targets[b * classes + labels[partner]!]).toBeCloseTo(fromPartner / per, 6);
      }
    }
    expect(pasted).toBeGreaterThan(0);
  });
});

describe('augmentation spec', () => {
  it('parses ops and presets into a canonical spec', () => {
    expect(canonicalAugment('crop:4,flip')).toBe('crop:4,flip:0.5');
    expect(canonicalAugment('standard')).toBe('crop:4,flip:0.5');
    expect(canonicalAugment('standard,cutmix')).toBe('crop:4,flip:0.5,cutmix:1');
    expect(canonicalAugment('rrc:0.25, jitter:0.2/0.1/0, erase, mixup:0.2')).toBe('rrc:0.25,jitter:0.2/0.1/0,erase:0.5,mixup:0.2');
    expect(canonicalAugment('off')).toBe('off');
    expect(canonicalAugment('none')).toBe('off');
    expect(parseAugment('jitter').image).toEqual([{ op: 'jitter', strength: { brightness: 0.4, contrast: 0.4, saturation: 0.4 } }]);
  });

  it('names the bad token in every error', () => {
    const cases: [string, RegExp][] = [
      ['crop:4,blur', /token "blur" is not an augmentation op or preset/],
      ['crop:x,flip', /token "crop:x": the padding must be a positive integer, got "x"/],
      ['flip:1.5', /token "flip:1.5": the probability must be in \[0, 1\]/],
      ['flip,flip', /token "flip" repeats "flip"/],
      ['jitter:0.1/0.2', /token "jitter:0.1\/0.2": give one strength or brightness\/contrast\/saturation/],
      ['crop:4,,flip', /token "" is empty/],
      ['mixup:0', /token "mixup:0": alpha must be a positive number/],
      ['off,flip', /token "off" "off" cannot be combined/],
      ['rrc:1:2', /token "rrc:1:2" has more than one ":"/],
    ];
    for (const [spec, message] of cases) {
      expect(() => parseAugment(spec), spec).toThrow(AugmentSpecError);
      expect(() => parseAugment(spec), spec).toThrow(message);
    }
  });
});

describe('augmented batches', () => {
  const ds = syntheticDataset({ perClass: [6, 6, 6], height: 8, width: 8, channels: 3 });
  const indices = Array.from({ length: 18 }, (_, i) => i);
  const normalization = computeNormalization(ds, indices);
  const source = new BatchSource(ds, indices, { inputShape: [3, 8, 8], normalization, batchSize: 6 });
  const perImage = 8 * 8 * 3;

  it('augment an image the same way wherever it sits in a batch, and differently in another epoch', () => {
    const batches = trainingBatches(source, 'strong', 11, 3) as AugmentedBatches;
    expect(batches).toBeInstanceOf(AugmentedBatches);
    const order = Uint32Array.from([4, 9, 2, 7, 1, 0]);
    const whole = batches.gather(order, 0, 6, 2).pixels;
    const alone = batches.gather(Uint32Array.from([7]), 0, 1, 2).pixels;
    expect(alone).toEqual(whole.subarray(3 * perImage, 4 * perImage));
    expect(batches.gather(Uint32Array.from([7]), 0, 1, 2).pixels).toEqual(alone);
    expect(batches.gather(Uint32Array.from([7]), 0, 1, 3).pixels).not.toEqual(alone);
    const plain = source.gather(order, 0, 6).pixels;
    expect(whole).not.toEqual(plain);
  });

  it('serve soft targets as y when mixing, class indices otherwise, and are the plain source when off', () => {
    const mixing = trainingBatches(source, 'flip,mixup', 1, 3).batch(source.epochOrder(1, 0), 0, 6, 0);
    expect(mixing.y.shape).toEqual([6, 3]);
    expect(mixing.y.dtype).toBe('float32');
    expect(mixing.x.shape).toEqual([6, 8, 8, 3]);
    const flipOnly = trainingBatches(source, 'flip', 1, 3).batch(source.epochOrder(1, 0), 0, 6, 0);
    expect(flipOnly.y.dtype).toBe('int32');
    const off = trainingBatches(source, 'off', 1, 3);
    expect(off.augmenter).toBeNull();
    const a = off.batch(source.epochOrder(1, 0), 0, 6, 0), b = source.batch(source.epochOrder(1, 0), 0, 6);
    expect(a.x.dataSync()).toEqual(b.x.dataSync());
    tf.dispose([mixing.x, mixing.y, flipOnly.x, flipOnly.y, a.x, a.y, b.x, b.y]);
  });

  it('erase with the training mean, which normalises to 0', () => {
    const erasing = new AugmentedBatches(source, new Augmenter(parseAugment('erase:1'), 5, [0, 0, 0]), 3);
    const byMean = trainingBatches(source, 'erase:1', 5, 3) as AugmentedBatches;
    const zeros = byMean.gather(indices, 0, 6, 0).pixels;
    const plain = source.gather(indices, 0, 6).pixels;
    const changed = zeros.filter((v, i) => v !== plain[i]!);
    expect(changed.length).toBeGreaterThan(0);
    for (const v of changed) expect(Math.abs(v)).toBeLessThan(0.05);
    expect(erasing.gather(indices, 0, 6, 0).pixels.some((v, i) => v !== zeros[i])).toBe(true);
  });

  it('draw a sample grid that decodes as a PNG of the grid size', () => {
    const batches = trainingBatches(source, 'standard', 1, 3) as AugmentedBatches;
    const grid = augmentSampleGrid(batches, source.epochOrder(1, 0), 0, 9);
    const zoom = 8; // 8-pixel images are enlarged to 64
    expect([grid.height, grid.width]).toEqual([3 * 8 * zoom + 2 * 2, 3 * 8 * zoom + 2 * 2]);
    const decoded = decodePng(grid.png, 3);
    expect([decoded.height, decoded.width]).toEqual([grid.height, grid.width]);
  });
});

describe('the prefetch thread', () => {
  const ds = syntheticDataset({ perClass: [7, 7, 6], height: 8, width: 8, channels: 3 });
  const indices = Array.from({ length: 20 }, (_, i) => i);
  const source = new BatchSource(ds, indices, { inputShape: [3, 8, 8], normalization: computeNormalization(ds, indices), batchSize: 6 });

  it('serves the batches of the training thread bit for bit, in order, out of order and across epochs', () => {
    const here = trainingBatches(source, 'strong,mixup,cutmix', 9, 3) as AugmentedBatches;
    const threaded = trainingBatches(source, 'strong,mixup,cutmix', 9, 3, { prefetch: true }) as AugmentedBatches;
    expect(here.prefetcher).toBeNull();
    expect(threaded.prefetcher).not.toBeNull();
    try {
      const requests: [number, number, number][] = [];
      for (const epoch of [0, 1]) for (let start = 0; start < 20; start += 6) requests.push([epoch, start, 6]);
      requests.push([1, 3, 4], [0, 12, 6], [0, 18, 6]); // not the predicted next batch
      for (const [epoch, start, size] of requests) {
        const order = source.epochOrder(9, epoch);
        const a = here.gather(order, start, size, epoch), b = threaded.gather(order, start, size, epoch);
        expect(b.n).toBe(a.n);
        expect(Buffer.from(b.pixels.buffer, b.pixels.byteOffset, b.pixels.byteLength).equals(Buffer.from(a.pixels.buffer, a.pixels.byteOffset, a.pixels.byteLength))).toBe(true);
        expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
        expect(Array.from(b.targets!)).toEqual(Array.from(a.targets!));
      }
      expect(threaded.prefetcher!.active).toBe(true);
      expect(threaded.prefetcher!.served).toBe(requests.length); // every batch came from the thread, none from the fallback
    } finally {
      threaded.close();
    }
  });

  it('is off with CNNLAB_AUGMENT_THREAD=0', () => {
    process.env.CNNLAB_AUGMENT_THREAD = '0';
    try {
      expect((trainingBatches(source, 'flip', 1, 3, { prefetch: true }) as AugmentedBatches).prefetcher).toBeNull();
    } finally {
      delete process.env.CNNLAB_AUGMENT_THREAD;
    }
  });
});
