/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's moments, so the
 * first points are not pulled towards 0. `weight` is the slider value in [0, 1); 0 returns the values as they are.
 * Non-finite values (NaN, ±Infinity, null) are passed through and do not enter the average.
 */
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  // TensorBoard leaves constant series alone (rounding would otherwise show wiggles).
  if (weight === 0 || finite.every((v) => v === finite[0])) return [...values];
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    count++;
    return last / (1 - Math.pow(weight, count));
  });
}
