/** One histogram bucket, as TensorBoard stores them: values in [left, right) (the last one includes `right`). */
export interface HistogramBucket {
  left: number;
  right: number;
  count: number;
}

export const DEFAULT_BUCKET_COUNT = 30;

/**
 * Buckets raw values like TensorBoard's `histogram_pb`: `bucketCount` equal-width buckets from min to max,
 * one bucket [v - 0.5, v + 0.5] when all values are equal, none for no values.
 * NaN and infinite values are left out (TensorBoard would produce NaN edges from them).
 */
export function computeHistogramBuckets(values: ArrayLike<number>, bucketCount = DEFAULT_BUCKET_COUNT): HistogramBucket[] {
  if (!Number.isInteger(bucketCount) || bucketCount < 1) {
    throw new RangeError(`bucketCount must be a positive integer, got ${bucketCount}`);
  }
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return [];
  const range = max - min;
  if (range === 0) return [{ left: min - 0.5, right: min + 0.5, count: n }];

  const width = range / bucketCount;
  const counts = new Float64Array(bucketCount);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(Math.floor((v - min) / width), bucketCount - 1)] += 1;
  }
  const edge = (i: number) => (i === bucketCount ? max : min + i * width);
  return Array.from(counts, (count, i) => ({ left: edge(i), right: edge(i + 1), count }));
}

/** Buckets from explicit edges (length k + 1) and counts (length k). */
export function bucketsFromEdges(edges: ArrayLike<number>, counts: ArrayLike<number>): HistogramBucket[] {
  if (edges.length !== counts.length + 1) {
    throw new RangeError(`a histogram needs one more edge than counts, got ${edges.length} edges and ${counts.length} counts`);
  }
  return Array.from({ length: counts.length }, (_, i) => ({ left: edges[i]!, right: edges[i + 1]!, count: counts[i]! }));
}
