/**
 * Runs compare fairly on a cost-accuracy chart only at one training budget: the same epochs on the same
 * training split. Points are grouped by that budget; the default group is the one trained longest among those
 * holding at least three runs (a sweep's 1-epoch trials or a search's short runs do not crowd out full trainings).
 */

export interface Budgeted {
  /** Epochs trained (a run stopped early counts the epochs it was given). */
  epochs: number;
  /** Images in the training split; null when unknown. */
  trainImages: number | null;
  dataset: string | null;
}

export interface BudgetGroup {
  key: string;
  label: string;
  count: number;
  epochs: number;
  trainImages: number | null;
}

export const ALL_BUDGETS = 'all';

export function budgetKey(p: Budgeted): string {
  return `${p.epochs}:${p.trainImages ?? '?'}:${p.dataset ?? '?'}`;
}

export function budgetLabel(p: Budgeted): string {
  const images = p.trainImages === null ? 'an unknown training split' : `${p.trainImages.toLocaleString('en-US')} training images`;
  return `${p.epochs} epoch${p.epochs === 1 ? '' : 's'} on ${images}${p.dataset ? ` (${p.dataset})` : ''}`;
}

/** The budgets of `points`, most runs first (then longest training). */
export function budgetGroups(points: readonly Budgeted[]): BudgetGroup[] {
  const groups = new Map<string, BudgetGroup>();
  for (const p of points) {
    const key = budgetKey(p);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { key, label: budgetLabel(p), count: 1, epochs: p.epochs, trainImages: p.trainImages });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.epochs - a.epochs);
}

/** The budget shown first: the longest-trained group of at least `minRuns` runs, else the largest group. */
export function defaultBudget(groups: readonly BudgetGroup[], minRuns = 3): string {
  const big = groups.filter((g) => g.count >= minRuns);
  const pick = big.length ? [...big].sort((a, b) => b.epochs - a.epochs || (b.trainImages ?? 0) - (a.trainImages ?? 0) || b.count - a.count)[0] : groups[0];
  return pick?.key ?? ALL_BUDGETS;
}
