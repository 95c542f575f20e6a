import type { EpochMetrics, FitDiagnosis, FitOptions } from './types.js';

type Settings = FitOptions & { patience: number; minEpochs: number; window: number; accuracyRatio: number; minRise: number; minDelta: number };

/** A fraction as a percentage with one decimal below 10%: 0.183 → "18%", 0.041 → "4.1%". */
function pct(x: number): string {
  const p = Math.abs(x) * 100;
  return `${p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
}

const num = (x: number): string => x.toFixed(3);

/** The one-line verdict for a diagnosis (without its verdict) of history `h`. */
export function fitVerdict(d: Omit<FitDiagnosis, 'verdict'>, h: readonly EpochMetrics[], s: Settings): string {
  if (d.status === 'insufficient-data') {
    return d.epochs === 0
      ? 'Insufficient data: no epochs with finite losses were recorded.'
      : `Insufficient data: ${d.epochs} epoch${d.epochs === 1 ? '' : 's'} recorded; at least ${s.minEpochs} are needed to judge the fit.`;
  }
  const last = h[h.length - 1]!;
  const window = Math.min(s.window, h.length);
  if (d.status === 'overfitting' && d.overfitting) {
    const o = d.overfitting;
    return `Overfitting from epoch ${o.start}: validation loss rose ${pct(o.valLossRise)} above its minimum at epoch ${o.from} ` +
      `while training loss fell ${pct(o.trainLossDrop)}; keep the weights of epoch ${o.from}.`;
  }
  const u = d.underfitting;
  if (d.status === 'underfitting' && u) {
    const parts: string[] = [];
    if (u.reasons.includes('low-train-accuracy')) {
      parts.push(`training accuracy ${num(u.trainAcc!)} is below ${pct(s.accuracyRatio)} of the attainable ${num(u.attainableAccuracy!)}`);
    }
    if (u.reasons.includes('high-loss')) {
      parts.push(`training and validation loss (${num(last.trainLoss)}, ${num(last.valLoss)}) are above half the chance level ${num(Math.log(s.classes!))}`);
    }
    if (u.reasons.includes('not-learning')) {
      const progress = (h[0]!.trainLoss - last.trainLoss) / Math.abs(h[0]!.trainLoss || 1);
      parts.push(`training loss barely moved (${pct(progress)} ${progress >= 0 ? 'lower' : 'higher'} after ${h.length} epochs)`);
    }
    const falling = u.reasons.includes('still-falling');
    if (falling) parts.push(`both losses are still falling (${pct(u.trainLossSlope)} and ${pct(u.valLossSlope)} per epoch over the last ${window} epochs)`);
    const advice = falling ? 'train for more epochs or with a higher learning rate' : 'try a higher learning rate, a larger model or longer training';
    return `Underfitting: ${parts.join('; ')}; ${advice}.`;
  }
  if (d.status === 'still-improving' && u) {
    return `Still improving: training and validation loss fell ${pct(u.trainLossSlope)} and ${pct(u.valLossSlope)} per epoch ` +
      `over the last ${window} epochs; train for more epochs (best so far: epoch ${d.bestEpoch}).`;
  }
  const r = d.recentRise;
  if (d.status === 'inconclusive' && r) {
    const accuracy = r.valAccFrom !== null && r.valAccTo !== null ? `, validation accuracy ${num(r.valAccFrom)} → ${num(r.valAccTo)}` : '';
    return `Inconclusive: validation loss jumped in the last ${r.epochs === 1 ? 'epoch' : `${r.epochs} epochs`}; train longer. ` +
      `It is ${pct(r.valLossRise)} above its best at epoch ${d.bestEpoch}${accuracy}; fewer epochs than the patience (${s.patience}) to call it overfitting.`;
  }
  return `Good fit: validation loss levelled off at ${num(d.bestValLoss!)} (best epoch ${d.bestEpoch}) with no sustained rise; ` +
    `final gap ${num(last.valLoss - last.trainLoss)} (validation − training loss).`;
}
