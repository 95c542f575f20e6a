import { it } from 'vitest';
import '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
it('probe', async () => {
  for (const cfg of [
    { input: [1, 68, 68], options: { widthDivisor: 4, hidden: 256 }, lr: 2e-3, steps: 30 },
    { input: [1, 68, 68], options: { widthDivisor: 4, hidden: 256 }, lr: 1e-3, steps: 40 },
    { input: [1, 68, 68], options: { widthDivisor: 2, hidden: 512 }, lr: 1e-3, steps: 30 },
    { input: [1, 96, 96], options: { widthDivisor: 4, hidden: 256 }, lr: 1e-3, steps: 30 },
  ] as const) {
    const t = Date.now();
    const r = await overfitSmallBatch('alexnet-d2l', { ...cfg, input: [...cfg.input], images: 40 } as never);
    console.log(JSON.stringify(cfg), r.before, r.after, Date.now() - t);
  }
}, 600_000);
