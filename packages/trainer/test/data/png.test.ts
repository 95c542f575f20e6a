import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine, tf } from '@cnnlab/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSource, decodePng, encodePng, readImageFile } from '../../src/data/index.js';
import { syntheticDataset, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

const ds = syntheticDataset({ perClass: [2, 2], height: 28, width: 28, pixel: (i, p) => (p * 13 + i * 40) & 255 });
const norm = { mean: [0.2860], std: [0.3530] };

function bytesOf(t: tf.Tensor): Buffer {
  const v = t.dataSync() as Float32Array;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function rgbaPng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set(pixel(x, y), (y * width + x) * 4);
  return PNG.sync.write(png, { colorType: 6 });
}

describe('readImageFile', () => {
  it('round-trips a data set image through a gray PNG exactly as a training batch', () => {
    const path = join(tmp.dir, 'image2.png');
    writeFileSync(path, encodePng(ds.images.subarray(2 * 784, 3 * 784), 28, 28, 1));
    expect(decodePng(PNG.sync.write(PNG.sync.read(encodePng(ds.images.subarray(0, 784), 28, 28, 1))), 1).pixels).toEqual(ds.images.subarray(0, 784));
    for (const inputShape of [[1, 28, 28], [3, 96, 96], [1, 224, 224]] as const) {
      const x = readImageFile(path, inputShape, norm);
      expect(x.shape).toEqual([1, inputShape[1], inputShape[2], inputShape[0]]);
      const batch = new BatchSource(ds, [2], { inputShape, normalization: norm, batchSize: 1 }).batch([2], 0);
      expect(bytesOf(x).equals(bytesOf(batch.x))).toBe(true);
      tf.dispose([x, batch.x, batch.y]);
    }
  });

  it('converts RGB(A) to the data channels: gray by luma, transparent over black', () => {
    const path = join(tmp.dir, 'rgba.png');
    // Left column opaque (R, G, B) = (200, 100, 50), right column fully transparent white.
    writeFileSync(path, rgbaPng(2, 1, (x) => (x === 0 ? [200, 100, 50, 255] : [255, 255, 255, 0])));
    const gray = readImageFile(path, [1, 1, 2]);
    const g = gray.dataSync();
    expect(g[0]).toBe(Math.fround(((19595 * 200 + 38470 * 100 + 7471 * 50 + 32768) >>> 16) / 255));
    expect(g[1]).toBe(0);
    const rgb = readImageFile(path, [3, 1, 2], { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(Array.from(rgb.dataSync())).toEqual([200, 100, 50, 0, 0, 0].map((v) => Math.fround((v / 255 - 0.5) / 0.5)));
    // Gray data normalisation with an RGB model: gray, then repeated.
    const repeated = readImageFile(path, [3, 1, 2], norm);
    const r = repeated.dataSync();
    expect(r[0]).toBe(r[1]);
    expect(r[1]).toBe(r[2]);
    expect(r[0]).toBe(Math.fround((((19595 * 200 + 38470 * 100 + 7471 * 50 + 32768) >>> 16) / 255 - 0.286) / 0.353));
    tf.dispose([gray, rgb, repeated]);
  });

  it('reads an RGB PNG of another size, resized to the model input', () => {
    const path = join(tmp.dir, 'rgb.png');
    writeFileSync(path, encodePng(Uint8Array.from({ length: 40 * 30 * 3 }, (_, i) => i & 255), 30, 40, 3));
    const x = readImageFile(path, [3, 64, 64], { mean: [0.4, 0.4, 0.4], std: [0.2, 0.2, 0.2] });
    expect(x.shape).toEqual([1, 64, 64, 3]);
    tf.dispose(x);
  });

  it('names the file in errors', () => {
    const txt = join(tmp.dir, 'not-a.png');
    writeFileSync(txt, 'hello');
    expect(() => readImageFile(txt, [1, 28, 28])).toThrow(`image: ${txt} is not a PNG file`);
    expect(() => readImageFile(join(tmp.dir, 'missing.png'), [1, 28, 28])).toThrow(/missing.png does not exist/);
    const broken = join(tmp.dir, 'broken.png');
    writeFileSync(broken, encodePng(new Uint8Array(784), 28, 28, 1).subarray(0, 40));
    expect(() => readImageFile(broken, [1, 28, 28])).toThrow(/broken.png: not a readable PNG/);
    expect(() => readImageFile(txt, [1, 28, 28], { mean: [0, 0, 0], std: [1, 1, 1] })).toThrow(/not a PNG file/);
    const rgbPath = join(tmp.dir, 'rgb-2.png');
    writeFileSync(rgbPath, encodePng(new Uint8Array(4 * 3), 2, 2, 3));
    expect(() => readImageFile(rgbPath, [1, 28, 28], { mean: [0, 0, 0], std: [1, 1, 1] })).toThrow(/3 channels \(RGB\) but the model takes 1/);
  });
});
