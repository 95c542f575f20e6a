import { hasArchitecture, getArchitecture } from '@cnnlab/core';
import { medianImagesPerSecond } from '@cnnlab/trainer';
import type { CostPoint, CostsResponse } from './cost-types.js';
import { loadFamilies } from './complexity.js';
import type { RunState } from './run-state.js';

/** Cost and accuracy of every cnnlab run (those with a report.json); runs of other tools know neither. */
export async function costsOf(runs: RunState[], statusOf: (run: RunState) => Promise<{ status: CostPoint['status'] }> = (run) => run.status()): Promise<CostsResponse> {
  await loadFamilies();
  const points: CostPoint[] = [];
  for (const run of runs) {
    const report = run.cnnlabReport;
    if (!report) continue;
    const input = run.configJson?.input;
    points.push({
      run: run.name,
      arch: report.arch,
      family: hasArchitecture(report.arch) ? getArchitecture(report.arch).family : report.arch,
      status: (await statusOf(run)).status,
      input: Array.isArray(input) && input.every((n) => typeof n === 'number') ? (input as number[]) : null,
      params: report.params?.trainable ?? null,
      macs: report.params?.macs ?? null,
      imagesPerSecond: medianImagesPerSecond(report.history),
      bestValAcc: report.bestValAcc ?? null,
      testAcc: report.test?.accuracy ?? null,
    });
  }
  points.sort((a, b) => a.run.localeCompare(b.run));
  return { points };
}
