import { medianImagesPerSecond } from '@cnnlab/trainer/records';
import type { CostPoint, CostsResponse } from './cost-types.js';
import { loadFamilies } from './complexity.js';
import type { RunState } from './run-state.js';

type Report = NonNullable<RunState['cnnlabReport']>;

/** What a run was given to train on: a run stopped early had the epochs it planned; others count what they trained. */
function budgetOf(report: Report): Pick<CostPoint, 'epochs' | 'trainImages' | 'dataset'> {
  const trained = Array.isArray(report.history) ? report.history.length : 0;
  const train = report.dataset?.train;
  return {
    epochs: report.status === 'stopped-early' && Number.isInteger(report.epochsPlanned) ? report.epochsPlanned : trained,
    trainImages: typeof train === 'number' && Number.isFinite(train) ? train : null,
    dataset: typeof report.dataset?.name === 'string' ? report.dataset.name : null,
  };
}

/** Cost and accuracy of every cnnlab run (those with a report.json); runs of other tools know neither. */
export async function costsOf(runs: RunState[], statusOf: (run: RunState) => { status: CostPoint['status'] } = (run) => run.status()): Promise<CostsResponse> {
  const { registry } = await loadFamilies();
  const points: CostPoint[] = [];
  for (const run of runs) {
    const report = run.cnnlabReport;
    if (!report) continue;
    const input = run.configJson?.input;
    points.push({
      run: run.name,
      arch: report.arch,
      family: registry.hasArchitecture(report.arch) ? registry.getArchitecture(report.arch).family : report.arch,
      status: statusOf(run).status,
      input: Array.isArray(input) && input.every((n) => typeof n === 'number') ? (input as number[]) : null,
      params: report.params?.trainable ?? null,
      macs: report.params?.macs ?? null,
      imagesPerSecond: medianImagesPerSecond(report.history),
      bestValAcc: report.bestValAcc ?? null,
      testAcc: report.test?.accuracy ?? null,
      ...budgetOf(report),
    });
  }
  points.sort((a, b) => a.run.localeCompare(b.run));
  return { points };
}
