import { formatCount, formatMacs } from '@cnnlab/analysis';
import { edfAt } from './edf.js';
import type { SearchState } from './search-state.js';
import type { QueueSnapshot } from './queue-snapshot.js';
import { describeParams } from './sampling.js';
import { meanSd } from './seed-margins/stats.js';
import { eligibleTrials, rankTrials, type SweepState } from './sweep-state.js';

/** A plain-text table: numbers right-aligned. */
export function textTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const right = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[-+]?[\d.,]+( ?[A-Za-z%]*)?$|^-$/.test(String(r[i]))));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const f4 = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(4));
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** `cnnlab sweep report`: trials ranked by the sweep's metric, their hyper-parameters and metrics, and the chosen configuration. */
/** Per seed group: the sweep's metric as mean ± sd over its seeds, and where its margin charts are. */
function seedRunLines(state: SweepState): string[] {
  const byName = new Map(state.trials.map((t) => [t.name, t]));
  const metric = state.spec.metric === 'valLoss' ? 'best val loss' : 'best val acc';
  return [`Across seeds (${metric}, mean ± sample sd; margin charts per epoch in TensorBoard's Custom Scalars):`, ...state.seedRuns!.map((r) => {
    const values = r.trials.map((name) => byName.get(name)?.value).filter((v): v is number => typeof v === 'number');
    const stats = values.length ? meanSd(values) : null;
    const text = stats ? `${f4(stats.mean)}${stats.sd === null ? '' : ` ± ${f4(stats.sd)}`}` : '-';
    return `  ${describeParams(r.params) || '(base)'}: ${text} over ${r.seeds.length} seeds — ${r.dir}`;
  })];
}

export function formatSweepReport(state: SweepState, dir?: string): string {
  const { spec } = state;
  const paths = Object.keys(spec.parameters);
  const metricName = spec.metric === 'valLoss' ? 'best validation loss (lower is better)' : 'best validation accuracy (higher is better)';
  const pruning = spec.pruning
    ? spec.pruning.rule === 'median'
      ? `, median rule after ${spec.pruning.warmup} warm-up epoch(s)`
      : `, successive halving η=${spec.pruning.eta} over rungs of ${(state.rungs ?? []).join(', ')} epochs`
    : '';
  const lines = [
    `Sweep ${state.name}: ${spec.method}${spec.method === 'random' ? ` (seed ${spec.seed})` : ''}, ${state.trials.length} trials${pruning}; ranked by ${metricName} — ${state.status}`,
  ];
  if (dir) lines.push(`Directory: ${dir}`);
  if (spec.description) lines.push(spec.description);
  lines.push('');
  const eligible = new Set(eligibleTrials(state).map((t) => t.name));
  let rank = 0;
  const rows = rankTrials(state).map((t) => [
    eligible.has(t.name) ? String(++rank) : '-',
    t.name,
    t.status === 'pruned' && t.stopped ? `pruned@${t.stopped.epoch}` : t.status,
    ...paths.map((p) => show(t.params[p])),
    `${t.epochsDone}/${t.epochsPlanned}`,
    f4(t.bestValLoss),
    f4(t.bestValAcc),
    t.modelParams === null ? '-' : formatCount(t.modelParams),
    state.best?.trial === t.name && state.best.test ? state.best.test.accuracy.toFixed(4) : '-',
  ]);
  lines.push(textTable(['rank', 'trial', 'status', ...paths, 'epochs', 'best val loss', 'best val acc', 'params', 'test acc'], rows));
  lines.push('');
  const b = state.best;
  if (b) {
    lines.push(`Best configuration: ${b.trial}: ${describeParams(b.params)}`);
    lines.push(`  chosen on validation only: best validation loss ${f4(b.bestValLoss)} (epoch ${b.bestEpoch ?? '-'}), validation accuracy ${f4(b.bestValAcc)}`);
    if (b.test) lines.push(`  test split (evaluated once, for this trial only, after the sweep): loss ${f4(b.test.loss)}, accuracy ${f4(b.test.accuracy)}`);
    else if (spec.test) lines.push('  test split: not evaluated yet');
  } else if (state.status === 'finished' || state.status === 'failed') {
    lines.push(state.message ?? 'No trial finished.');
  } else {
    lines.push(`The sweep is ${state.status}: ${state.trials.filter((t) => ['finished', 'pruned', 'failed'].includes(t.status)).length} of ${state.trials.length} trials done${state.message ? `. ${state.message}` : ''}`);
  }
  for (const t of state.trials.filter((x) => x.stopped)) lines.push(`${t.name}: ${t.stopped!.reason}`);
  for (const t of state.trials.filter((x) => x.status === 'failed')) lines.push(`${t.name} failed: ${t.message ?? ''}`);
  if (state.seedRuns?.length) lines.push('', ...seedRunLines(state));
  return lines.join('\n');
}

/** A few round thresholds spanning the observed errors. */
export function reportThresholds(errors: readonly number[], count = 5): number[] {
  if (errors.length === 0) return [0.2, 0.4, 0.6, 0.8, 1];
  const lo = Math.floor(Math.min(...errors) * 20) / 20;
  // Above the largest error (F counts errors strictly below the threshold), so the last column reads 1.
  const hi = Math.floor(Math.max(...errors) * 20) / 20 + 0.05;
  const values = Array.from({ length: count }, (_, i) => Number((lo + ((hi - lo) * (i + 1)) / count).toFixed(3)));
  return [...new Set(values)];
}

/** `cnnlab search report`: per space the error statistics and the EDF at a few thresholds, and which space's EDF dominates. */
export function formatSearchReport(state: SearchState, dir?: string): string {
  const o = state.options;
  const lines = [
    `Design-space search (d2l 8.8): ${o.spaces.map((s) => s.name).join(' vs ')} — ${state.status}`,
    `${o.samplesPerSpace} models per space, ${o.epochs} epoch(s) each, input ${o.input.join('x')}, ${o.datasetLimit} ${o.train.dataset?.name ?? 'fashion-mnist'} images, `
      + `${o.stages} stages (depth ${o.ranges.depth.join('–')}, width ${o.ranges.width.join('–')}, group width ${o.ranges.groupWidth.join('/')}, bottleneck ratio ${o.ranges.bottleneckRatio.join('/')}), seed ${o.seed}`,
  ];
  if (dir) lines.push(`Directory: ${dir}`);
  for (const s of o.spaces) lines.push(`  ${s.name}: ${s.description}`);
  lines.push('', 'Validation error (1 − accuracy at the best epoch):');
  lines.push(textTable(['space', 'models', 'min', 'median', 'mean', 'max', 'median params', 'median MACs'], state.spaces.map((s) => [
    s.name, `${s.finished}/${s.sampled}${s.failed ? ` (${s.failed} failed)` : ''}`, f4(s.stats?.min), f4(s.stats?.median), f4(s.stats?.mean), f4(s.stats?.max),
    s.params ? formatCount(s.params.median) : '-', s.macs ? formatMacs(s.macs.median) : '-',
  ])));
  const thresholds = reportThresholds(state.spaces.flatMap((s) => s.errors));
  lines.push('', 'EDF: F(e) = fraction of models with validation error < e');
  lines.push(textTable(['space', ...thresholds.map((t) => `e<${t.toFixed(2)}`)], state.spaces.map((s) => [s.name, ...thresholds.map((t) => edfAt(s.errors, t).toFixed(2))])));
  lines.push('');
  const c = state.comparison;
  if (c.dominant) {
    lines.push(`${c.dominant}'s EDF dominates: at every error level it has at least as large a fraction of models below it (a better design space).`);
  } else if (state.spaces.every((s) => s.errors.length > 0) && state.spaces.length > 1) {
    lines.push('No space\'s EDF dominates all others:');
  }
  for (const p of c.pairs) {
    const text = p.relation === 'a-dominates' ? `${p.a} dominates ${p.b}` : p.relation === 'b-dominates' ? `${p.b} dominates ${p.a}`
      : p.relation === 'equal' ? `${p.a} and ${p.b} have the same EDF` : `the EDFs of ${p.a} and ${p.b} cross`;
    const a = state.spaces.find((s) => s.name === p.a)!, b = state.spaces.find((s) => s.name === p.b)!;
    let detail = '';
    if (p.relation === 'cross') {
      const higher = (x: typeof a, y: typeof a) => x.edf.filter((pt, i) => pt.fraction > y.edf[i]!.fraction).length;
      detail = `; higher EDF at ${higher(a, b)} grid thresholds for ${a.name}, ${higher(b, a)} for ${b.name}`;
    }
    lines.push(`  ${text} (mean error ${a.name} ${f4(a.stats?.mean)}, ${b.name} ${f4(b.stats?.mean)}${detail})`);
  }
  if (state.spaces.some((s) => s.finished < 5)) lines.push('Few models per space: EDFs of so few samples are noisy (the paper uses hundreds); raise --samples for a firmer comparison.');
  if (state.edfRuns.length) lines.push(`TensorBoard: tensorboard --logdir ${dir ?? '<dir>'} (scalars edf/compare, step = error threshold in per mille)`);
  return lines.join('\n');
}

/** The models of a search as a table (for `--models`). */
export function formatSearchModels(state: SearchState): string {
  return textTable(['space', 'model', 'status', 'stages (depth,width,group width,ratio)', 'params', 'MACs', 'val error'], state.models.map((m) => [
    m.space, m.name, m.status,
    m.config.stages.map((s) => `(${s.depth},${s.width},${s.groupWidth},${s.bottleneckRatio})`).join(' '),
    m.params === null ? '-' : formatCount(m.params), m.macs === null ? '-' : formatMacs(m.macs), f4(m.valError),
  ]));
}

/** The queue a study ran on (queue.json): its jobs by state, and the jobs that failed, with why. */
export function formatQueueReport(q: QueueSnapshot): string {
  const c = q.counts;
  const lines = [`Queue ${q.queue} on ${q.url} (updated ${q.updatedAt}): ${c.waiting} waiting, ${c.active} active, ${c.done} done, ${c.failed} failed, ${c.retried} retried`];
  for (const j of q.jobs.filter((x) => x.state === 'active')) lines.push(`  ${j.name}: active on ${j.worker ?? '?'}, epoch ${j.epoch ?? 0} of ${j.epochs}`);
  for (const j of q.jobs.filter((x) => x.state === 'failed')) lines.push(`  ${j.name}: job failed: ${j.message ?? ''}`);
  for (const f of q.foreign) lines.push(`  job ${f.id} failed: ${f.message}`);
  return lines.join('\n');
}
