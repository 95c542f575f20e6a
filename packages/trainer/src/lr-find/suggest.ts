/** One point of the loss-vs-learning-rate curve. */
export interface LrPoint {
  step: number;
  lr: number;
  /** The batch's training loss, taken before the step at `lr`. */
  loss: number;
  /** `loss` smoothed (SmoothedLoss); what the curve, the stop rule and the suggestion use. */
  smoothedLoss: number;
}

export interface LrSuggestion {
  lr: number;
  /** The smoothed loss at that point of the curve. */
  loss: number;
  step: number;
}

export interface LrSuggestions {
  /** The rate where the smoothed loss falls fastest per unit of log(lr) (fastai's `steep`): the one cnnlab suggests. */
  steepest: LrSuggestion;
  /** A tenth of the rate with the lowest smoothed loss (fastai's `minimum`), a more cautious choice. */
  minimumOver10: LrSuggestion;
}

/**
 * Suggestions from a recorded curve, as fastai's lr_find computes them: on the curve without its first
 * tenth of the planned steps (the loss barely moves there, so noise dominates) and its last 5 points
 * (where it diverges). A curve too short for that window is used whole.
 */
export function suggestRates(points: readonly LrPoint[], plannedSteps: number): LrSuggestions {
  if (points.length < 2) throw new Error(`the range test recorded ${points.length} point(s); it needs at least 2 to suggest a rate`);
  let window = points.slice(Math.floor(plannedSteps / 10), points.length - 5);
  if (window.length < 2) window = points.slice();
  let steepest = 0;
  let slope = Infinity;
  for (let i = 0; i + 1 < window.length; i++) {
    const s = (window[i + 1]!.smoothedLoss - window[i]!.smoothedLoss) / (Math.log(window[i + 1]!.lr) - Math.log(window[i]!.lr));
    if (s < slope) [slope, steepest] = [s, i];
  }
  let lowest = 0;
  window.forEach((p, i) => { if (p.smoothedLoss < window[lowest]!.smoothedLoss) lowest = i; });
  const at = (p: LrPoint, lr = p.lr): LrSuggestion => ({ lr, loss: p.smoothedLoss, step: p.step });
  return { steepest: at(window[steepest]!), minimumOver10: at(window[lowest]!, window[lowest]!.lr / 10) };
}
