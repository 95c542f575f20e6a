/** Mean and standard deviation over runs that differ only by seed, step by step. */
export interface MeanPoint {
  step: number;
  mean: number;
  sd: number;
  /** Runs that logged this step. */
  n: number;
}

/** Per step logged by at least `minRuns` of the runs: the mean and the (population) standard deviation of their finite values. */
export function meanOverRuns(runs: readonly { step: number; value: number | null }[][], minRuns = 2): MeanPoint[] {
  const byStep = new Map<number, number[]>();
  for (const points of runs) {
    const seen = new Set<number>();
    for (const p of points) {
      if (p.value === null || !Number.isFinite(p.value) || seen.has(p.step)) continue;
      seen.add(p.step);
      let list = byStep.get(p.step);
      if (!list) byStep.set(p.step, (list = []));
      list.push(p.value);
    }
  }
  const out: MeanPoint[] = [];
  for (const [step, values] of byStep) {
    if (values.length < Math.min(minRuns, runs.length)) continue;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    out.push({ step, mean, sd, n: values.length });
  }
  return out.sort((a, b) => a.step - b.step);
}
