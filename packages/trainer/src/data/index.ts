export type { Dataset, DatasetName, LoadDatasetOptions } from './dataset.js';
export { loadDataset, checkDataset, toGrayscale, gatherImages, DATASET_NAMES, PART } from './dataset.js';
export type { ImageReader } from './dataset.js';
export { makeRunSplit, splitFromParts, noOfficialTest } from './run-split.js';
export type { RunSplit, SplitKind } from './run-split.js';
export { stratifiedSubset } from './subset.js';
export {
  loadFashionMnist, buildFashionMnistFromPackage, FASHION_MNIST_CLASSES, FASHION_MNIST_COUNT, FASHION_MNIST_CACHE_FILE, FASHION_MNIST_NOTE,
} from './fashion-mnist.js';
export type { FashionMnistDataset, FashionMnistOptions } from './fashion-mnist.js';
export { loadMnistPackage, buildMnistFromPackage, locateMnistIdxPackage, MNIST_CLASSES, MNIST_PACKAGE_COUNT, MNIST_PACKAGE_PER_CLASS, MNIST_CACHE_FILE, MNIST_PACKAGE_NOTE } from './mnist.js';
export { parseIdx, readIdxFile, loadIdxDirectory, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx.js';
export type { IdxArray, IdxLoadOptions } from './idx.js';
export { loadCifar10, parseCifar10Batch, readCifar10Meta, CIFAR10_CLASSES, CIFAR10_BATCH_FILES } from './cifar10.js';
export { loadCifar10Png, findCifar10PngRoot, CIFAR10_PNG_TRAIN, CIFAR10_PNG_TEST, CIFAR10_PNG_LABELS, CIFAR10_PNG_FILES, CIFAR10_PNG_CACHE_FILE } from './cifar10-png.js';
export { defaultCacheDir, loadOrBuildCache, encodeCache, decodeCache, CACHE_MAGIC, CACHE_VERSION, CACHE_HEADER_BYTES } from './cache.js';
export type { CachedArrays, CacheOutcome, CacheLog, DecodeResult } from './cache.js';
export {
  makeSplit, saveSplit, loadSplit, verifySplit, splitToJSON, splitFromJSON, splitClassCounts, checkFractions, parseSplitFractions, labelsChecksum, DEFAULT_SPLIT,
} from './split.js';
export type { Split, SplitFractions } from './split.js';
export {
  computeNormalization, unitNormalization, normalizationTable, checkNormalization, saveNormalization, loadNormalization,
} from './normalization.js';
export type { Normalization } from './normalization.js';
export { BatchSource, toModelInput, checkChannels, RESIZE } from './batches.js';
export type { Batch, BatchSourceOptions, ModelInputShape } from './batches.js';
export { readImageFile, decodePng, encodePng } from './png.js';
export { readImageForModel } from './image-input.js';
export type { ImageInputOptions } from './image-input.js';
export type { DecodedImage } from './png.js';
export { mulberry32, Mulberry32, hashSeed, shuffleInPlace, permutation } from './random.js';
export {
  loadImageFolder, loadFolderForConfig, defaultMemoryBudget, openFolderCache, scanImageFolder, decodeImageFile, FolderCacheReader, applyBadImagePolicy, BAD_IMAGE_POLICIES, IMAGE_EXTENSIONS,
} from './folder/index.js';
export type { FolderDataset, FolderDatasetOptions, BadImagePolicy, FolderScan } from './folder/index.js';
export * from './augment/index.js';
