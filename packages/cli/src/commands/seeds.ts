import { Command } from 'commander';
import { MARGIN_METRICS, SEED_TAGS, writeRunSeedMargins, type MarginEpoch, type MarginMetricName } from '@cnnlab/search';
import { table } from '../table.js';

/** `cnnlab seeds <out> <run>…`: mean ± sd of seed repeats as a TensorBoard margin-chart run. */
export function seedsCommand(): Command {
  return new Command('seeds')
    .description('Mean ± sd across seed repeats: write a TensorBoard margin-chart run for runs that differ only by their seed')
    .argument('<out>', 'folder of the margin run (e.g. runs/summary-seeds-lenet: a summary-… run is hidden by the dashboard unless asked for)')
    .argument('<runs...>', 'two or more run directories')
    .action((out: string, runs: string[]) => {
      const { record, written } = writeRunSeedMargins(out, runs);
      const seeds = record.members.map((m) => `${m.name} (seed ${JSON.stringify(m.seed)})`).join(', ');
      console.log(`${written ? 'Wrote' : 'Up to date:'} ${out}: mean ± sd of ${record.members.length} seeds: ${seeds}`);
      const cell = (e: MarginEpoch, metric: MarginMetricName) => {
        const band = e.bands?.[metric];
        return band ? `${band.mean.toFixed(4)} ± ${band.sd.toFixed(4)}` : '-';
      };
      console.log(table(['epoch', 'seeds', ...MARGIN_METRICS.map((m) => m.title)], record.epochs.map((e) => [e.epoch, e.n, ...MARGIN_METRICS.map((m) => cell(e, m.name))]),
        { align: ['right', 'right', ...MARGIN_METRICS.map(() => 'right' as const)] }));
      console.log(`TensorBoard: Custom Scalars, category "seeds: mean ± sd" (tags ${SEED_TAGS.band('val_loss', 'mean')}, …/lower, …/upper; ${SEED_TAGS.n} per epoch)`);
    });
}
