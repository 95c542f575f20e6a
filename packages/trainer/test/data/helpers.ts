import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/index.js';

/** A synthetic data set: `perClass` images of each class, pixel values from a simple formula. */
export function syntheticDataset(options: { perClass: number[]; height?: number; width?: number; channels?: number; pixel?: (i: number, p: number) => number }): Dataset {
  const { perClass, height = 4, width = 4, channels = 1 } = options;
  const pixel = options.pixel ?? ((i, p) => (i * 31 + p * 7) & 255);
  const count = perClass.reduce((a, b) => a + b, 0);
  const per = height * width * channels;
  const images = new Uint8Array(count * per);
  const labels = new Uint8Array(count);
  // Interleave classes so that class members are not contiguous.
  let i = 0;
  const left = [...perClass];
  while (i < count) {
    for (let c = 0; c < left.length; c++) {
      if (left[c]! > 0) {
        labels[i] = c;
        for (let p = 0; p < per; p++) images[i * per + p] = pixel(i, p);
        left[c]!--;
        i++;
      }
    }
  }
  return {
    name: 'synthetic', images, labels, count, height, width, channels,
    classes: perClass.map((_, c) => `class ${c}`), source: 'test',
  };
}

export function tempDir(prefix = 'cnnlab-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
