/** Least-squares slope of ys over xs divided by the mean |y|: relative change per unit of x. */
export function relativeSlope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const level = ys.reduce((a, b) => a + Math.abs(b), 0) / n;
  return sxx === 0 || level === 0 ? 0 : sxy / sxx / level;
}
