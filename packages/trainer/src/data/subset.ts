import { gatherImages, type Dataset } from './dataset.js';
import { permutation } from './random.js';
import { makeSplit } from './split.js';

/**
 * A seeded, stratified subset of `limit` images (quick runs, tests): the
 * training part of a split of that size, in a seeded order, held in memory.
 * The data set's own parts (official splits) go with their images.
 */
export function stratifiedSubset(full: Dataset, limit: number, seed: number): Dataset {
  if (limit >= full.count) return full;
  const subset = makeSplit(full.labels, { train: limit / full.count, val: 1 - limit / full.count, test: 0 }, seed).train;
  const order = permutation(subset.length, seed).map((i) => subset[i]!);
  const labels = Uint8Array.from(order, (i) => full.labels[i]!);
  const { reader: _reader, parts, ...rest } = full;
  return {
    ...rest,
    images: gatherImages(full, order),
    labels,
    count: order.length,
    ...(parts && { parts: Uint8Array.from(order, (i) => parts[i]!) }),
    note: `${full.note ? `${full.note} ` : ''}Limited to a stratified subset of ${order.length} images.`,
  };
}
