/**
 * Which axes the parallel-coordinates chart draws, and how much room each gets. Axes keep at least
 * MIN_AXIS_SPACING pixels apart (wider charts scroll sideways inside their card), so a title of two lines never
 * meets its neighbour's; by default only as many axes are drawn as fit the card's width, those that differ first.
 */

/** The least room between two axes: what a title in two lines of ~8 characters takes, with a gap. */
export const MIN_AXIS_SPACING = 72;

/** Side margins of the plot: room for the first axis's tick labels and the last axis's title. */
export function plotMargins(width: number): { left: number; right: number } {
  const side = width < 600 ? 40 : 64;
  return { left: side, right: side };
}

/** How many axes fit in a chart `width` pixels wide without scrolling. */
export function axesThatFit(width: number): number {
  const { left, right } = plotMargins(width);
  return Math.max(2, Math.floor((width - left - right) / MIN_AXIS_SPACING) + 1);
}

/**
 * The left margin when the first axis's tick labels are `chars` characters long (categories such as
 * `regnetx32-d2l`): wide enough to print them whole, up to 150 px and 28% of the chart.
 */
export function leftMargin(width: number, chars: number): number {
  const base = plotMargins(width).left;
  return Math.max(base, Math.min(Math.ceil(chars * 6.4) + 14, 150, Math.floor(width * 0.28)));
}

/** The chart's width for `count` axes: the card's width, or wider (scrolled) when the chosen axes need more. */
export function plotWidth(width: number, count: number, left = plotMargins(width).left): number {
  return Math.max(width, left + plotMargins(width).right + Math.max(0, count - 1) * MIN_AXIS_SPACING);
}

/**
 * The axes shown when the user has not chosen: every hyper-parameter that differs and every metric when they fit;
 * otherwise the `primary` metric (the one lines are coloured by) and as many differing hyper-parameters as fit
 * before it, then the other metrics while room is left. Hyper-parameters come first, metrics last.
 */
export function defaultAxes(varying: readonly string[], metrics: readonly string[], fit: number, primary?: string): string[] {
  if (varying.length + metrics.length <= fit) return [...varying, ...metrics];
  const first = primary && metrics.includes(primary) ? primary : metrics[0];
  const chosenMetrics = first ? [first] : [];
  const hparams = varying.slice(0, Math.max(1, fit - chosenMetrics.length));
  for (const m of metrics) if (hparams.length + chosenMetrics.length < fit && !chosenMetrics.includes(m)) chosenMetrics.push(m);
  return [...hparams, ...metrics.filter((m) => chosenMetrics.includes(m))];
}
