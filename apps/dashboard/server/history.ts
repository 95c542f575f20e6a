import { TAGS } from '@cnnlab/trainer/records';
import type { CurveRoles, EpochMetrics } from './types.js';

export interface Point {
  step: number;
  wallTime: number;
  value: number;
}

/**
 * The tags `cnnlab diagnose` looks for, in its order (cnnlab's own, then PyTorch's and Keras's usual names),
 * so the dashboard and the CLI diagnose the same run the same way.
 */
const KNOWN: Record<keyof CurveRoles, readonly string[]> = {
  valLoss: [TAGS.valLoss, 'Loss/val', 'loss/val', 'val_loss', 'epoch_loss/validation'],
  trainLoss: [TAGS.trainLoss, 'Loss/train', 'loss/train', 'loss', 'epoch_loss'],
  valAcc: [TAGS.valAcc, 'Accuracy/val', 'val_acc', 'val_accuracy'],
  trainAcc: [TAGS.trainAcc, 'Accuracy/train', 'acc', 'accuracy'],
};

const TRAIN_WORDS = new Set(['train', 'training']);
const VAL_WORDS = new Set(['val', 'valid', 'validation', 'eval', 'dev']);
const PER_BATCH_WORDS = new Set(['batch', 'batches', 'step', 'steps', 'iter', 'iteration', 'iterations']);

/** Guesses the role of a tag from its words: "Loss/validation" → valLoss, "accuracy_train" → trainAcc. */
function guessRole(tag: string): keyof CurveRoles | undefined {
  const words = tag.toLowerCase().split(/[\s/_.\-:]+/).filter(Boolean);
  if (words.some((w) => PER_BATCH_WORDS.has(w))) return undefined;
  const loss = words.includes('loss');
  const acc = words.some((w) => w === 'acc' || w === 'accuracy');
  if (loss === acc) return undefined;
  const train = words.some((w) => TRAIN_WORDS.has(w));
  const val = words.some((w) => VAL_WORDS.has(w));
  if (train === val) return undefined;
  return loss ? (train ? 'trainLoss' : 'valLoss') : train ? 'trainAcc' : 'valAcc';
}

/** Which scalar tags hold training/validation loss and accuracy: the CLI's known names first, then by their words. */
export function curveRoles(tags: Iterable<string>): CurveRoles {
  const all = [...tags].sort();
  const present = new Set(all);
  const roles: CurveRoles = {};
  for (const role of Object.keys(KNOWN) as (keyof CurveRoles)[]) {
    const known = KNOWN[role].find((t) => present.has(t));
    if (known) roles[role] = known;
  }
  for (const tag of all) {
    const role = guessRole(tag);
    if (role && !roles[role] && !Object.values(roles).includes(tag)) roles[role] = tag;
  }
  return roles;
}

/** Per-epoch metrics from scalar series, as `cnnlab diagnose` builds them for runs of other tools. */
export function historyFromSeries(series: ReadonlyMap<string, Iterable<Point>>, roles: CurveRoles = curveRoles(series.keys())): EpochMetrics[] {
  const get = (tag: string | undefined): Point[] => (tag ? [...(series.get(tag) ?? [])] : []);
  const val = get(roles.valLoss);
  const lastByStep = (points: readonly Point[]) => new Map(points.map((p) => [p.step, p.value]));
  const trainLoss = lastByStep(get(roles.trainLoss));
  const valAcc = lastByStep(get(roles.valAcc));
  const trainAcc = lastByStep(get(roles.trainAcc));
  return val
    .filter((p) => trainLoss.has(p.step))
    .map((p) => {
      const e: EpochMetrics = { epoch: p.step, trainLoss: trainLoss.get(p.step)!, valLoss: p.value };
      const va = valAcc.get(p.step);
      const ta = trainAcc.get(p.step);
      if (ta !== undefined) e.trainAcc = ta;
      if (va !== undefined) e.valAcc = va;
      return e;
    });
}
