import '@cnnlab/arch-lenet';
import '@cnnlab/arch-regnet';
import { train } from '@cnnlab/trainer';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const logdir = mkdtempSync(join(tmpdir(), 'timing-'));
const cases: any[] = [
  { arch: 'lenet', dataset: { limit: 600 }, epochs: 1, batchSize: 64, lr: 0.9 },
  { arch: 'bn-lenet', dataset: { limit: 600 }, epochs: 1, batchSize: 64, lr: 0.5 },
  { arch: 'regnetx32-d2l', input: [1, 16, 16], archOptions: { stemChannels: 8, stages: [{ depth: 1, width: 8, groupWidth: 4, bottleneckRatio: 1 }, { depth: 2, width: 16, groupWidth: 4, bottleneckRatio: 1 }] }, dataset: { limit: 300 }, epochs: 1, batchSize: 32, lr: 0.05 },
  { arch: 'regnetx32-d2l', input: [1, 32, 32], archOptions: { stemChannels: 16, stages: [{ depth: 2, width: 32, groupWidth: 8, bottleneckRatio: 1 }, { depth: 3, width: 64, groupWidth: 8, bottleneckRatio: 1 }, { depth: 2, width: 64, groupWidth: 8, bottleneckRatio: 0.5 }] }, dataset: { limit: 3000 }, epochs: 1, batchSize: 64, lr: 0.05 },
];
for (const [i, c] of cases.entries()) {
  const t = performance.now();
  const r = await train({ ...c, logdir, name: `c${i}`, logEveryBatches: 0 });
  console.log(c.arch, ((performance.now() - t) / 1000).toFixed(2), 's', r.report.params, r.report.history.map((h) => [h.valLoss.toFixed(4), h.valAcc.toFixed(3), h.seconds.toFixed(2)]));
}
