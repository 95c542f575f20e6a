/** One epoch of a run, as a sweep trial's history and a run's report.json hold it. */
export interface SeedEpoch {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
}

/** The metrics a margin run summarises, by their tag's middle part: `seeds/<name>/mean`. */
export const MARGIN_METRICS = [
  { name: 'val_loss', key: 'valLoss', title: 'validation loss' },
  { name: 'val_accuracy', key: 'valAcc', title: 'validation accuracy' },
  { name: 'train_loss', key: 'trainLoss', title: 'training loss' },
  { name: 'train_accuracy', key: 'trainAcc', title: 'training accuracy' },
] as const satisfies readonly { name: string; key: keyof Omit<SeedEpoch, 'epoch'>; title: string }[];

export type MarginMetricName = (typeof MARGIN_METRICS)[number]['name'];

/** Mean and sample standard deviation (n − 1); sd is null for fewer than two values. */
export function meanSd(values: readonly number[]): { n: number; mean: number; sd: number | null } {
  const n = values.length;
  if (n === 0) throw new Error('meanSd needs at least one value');
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { n, mean, sd: null };
  const squares = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { n, mean, sd: Math.sqrt(squares / (n - 1)) };
}

export interface MarginBand {
  mean: number;
  sd: number;
  lower: number;
  upper: number;
}

/** One epoch of a seed group: how many seeds reached it, and mean ± sd of each metric (null where fewer than two did). */
export interface MarginEpoch {
  epoch: number;
  n: number;
  bands: Record<MarginMetricName, MarginBand> | null;
}

/**
 * Per epoch, mean ± one sample sd over the seeds that reached it. Runs may differ in length (early stopping,
 * pruning): epoch e counts only the histories holding it, and an epoch reached by a single seed has no band.
 */
export function seedMargins(histories: readonly (readonly SeedEpoch[])[]): MarginEpoch[] {
  const byEpoch = new Map<number, SeedEpoch[]>();
  for (const history of histories) {
    for (const row of history) {
      const rows = byEpoch.get(row.epoch) ?? [];
      rows.push(row);
      byEpoch.set(row.epoch, rows);
    }
  }
  return [...byEpoch.keys()].sort((a, b) => a - b).map((epoch) => {
    const rows = byEpoch.get(epoch)!;
    if (rows.length < 2) return { epoch, n: rows.length, bands: null };
    const bands = Object.fromEntries(MARGIN_METRICS.map((m) => {
      const { mean, sd } = meanSd(rows.map((r) => r[m.key]));
      return [m.name, { mean, sd: sd!, lower: mean - sd!, upper: mean + sd! }];
    })) as Record<MarginMetricName, MarginBand>;
    return { epoch, n: rows.length, bands };
  });
}
