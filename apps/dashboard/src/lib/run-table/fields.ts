import type { HParamValue, RunHParams, RunSummary } from '../../../server/types.js';
import type { Value } from './expression.js';

/**
 * The fields of a run that the Runs table can show as a column and its expression filter can read: the summary's
 * own (under short names a W&B user would type), every hyper-parameter of the run's config, every metric.
 */
export const SUMMARY_FIELDS: Record<string, { label: string; of: (r: RunSummary) => Value }> = {
  name: { label: 'Run', of: (r) => r.name },
  arch: { label: 'Architecture', of: (r) => r.arch },
  status: { label: 'Status', of: (r) => r.status },
  verdict: { label: 'Verdict', of: (r) => r.fit?.status ?? null },
  epochs: { label: 'Epochs', of: (r) => r.epochs },
  best_epoch: { label: 'Best epoch', of: (r) => r.bestEpoch },
  val_loss: { label: 'Best val loss', of: (r) => r.bestValLoss },
  val_acc: { label: 'Best val acc', of: (r) => r.bestValAcc },
  test_acc: { label: 'Test acc', of: (r) => r.testAcc },
  split: { label: 'Split', of: (r) => r.split },
  params: { label: 'Params', of: (r) => r.params },
  images_per_s: { label: 'Images/s', of: (r) => r.imagesPerSecond },
};

/** Other spellings of the summary fields (the hparams table's metric names among them). */
const ALIASES: Record<string, string> = {
  val_accuracy: 'val_acc',
  best_val_acc: 'val_acc',
  best_val_accuracy: 'val_acc',
  best_val_loss: 'val_loss',
  test_accuracy: 'test_acc',
  architecture: 'arch',
  fit: 'verdict',
};

/** Config keys are matched with or without their section (`lr` finds `optimizer.lr`), and `-`/`_` alike. */
const normal = (key: string) => key.toLowerCase().replace(/-/g, '_');

export interface RunFields {
  summary: RunSummary;
  hparams: Record<string, HParamValue>;
  metrics: Record<string, number | null>;
}

export function fieldsOf(summary: RunSummary, h: RunHParams | undefined): RunFields {
  return { summary, hparams: h?.hparams ?? {}, metrics: h?.metrics ?? {} };
}

/** A field's value; undefined when the run has no such field (a comparison with it is then false). */
export function fieldValue(run: RunFields, name: string): Value | undefined {
  const key = normal(name);
  const own = SUMMARY_FIELDS[ALIASES[key] ?? key];
  if (own) {
    const v = own.of(run.summary);
    return v === null ? undefined : v;
  }
  for (const source of [run.hparams, run.metrics]) {
    if (name in source) return source[name] ?? undefined;
    for (const [k, v] of Object.entries(source)) {
      const nk = normal(k);
      if (nk === key || nk.endsWith(`.${key}`) || nk.endsWith(`/${key}`)) return v ?? undefined;
    }
  }
  return undefined;
}

/** Whether a name is one of the summary's own fields (no hyper-parameter fetch needed to read it). */
export function isSummaryField(name: string): boolean {
  const key = normal(name);
  return (ALIASES[key] ?? key) in SUMMARY_FIELDS;
}
