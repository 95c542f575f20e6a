import { hasArchitecture, getArchitecture } from '@cnnlab/core';
import type { CostPoint, CostsResponse } from './cost-types.js';
import { loadFamilies } from './complexity.js';
import type { RunState } from './run-state.js';

function median(values: number[]): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Cost and accuracy of every cnnlab run (those with a report.json); runs of other tools know neither. */
export async function costsOf(runs: RunState[]): Promise<CostsResponse> {
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
      status: (await run.status()).status,
      input: Array.isArray(input) && input.every((n) => typeof n === 'number') ? (input as number[]) : null,
      params: report.params?.trainable ?? null,
      macs: report.params?.macs ?? null,
      imagesPerSecond: median(report.history.map((e) => e.imagesPerSecond)),
      bestValAcc: report.bestValAcc ?? null,
      testAcc: report.test?.accuracy ?? null,
    });
  }
  points.sort((a, b) => a.run.localeCompare(b.run));
  return { points };
}
