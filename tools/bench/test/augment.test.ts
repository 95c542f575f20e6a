import { describe, expect, it } from 'vitest';
import { benchAugmentation } from '../src/augment.js';

describe('augmentation benchmark', () => {
  it('times the same training step with and without augmentation and reports their ratio', async () => {
    const r = await benchAugmentation({ arch: 'lenet', backend: 'cpu', data: 28, input: [1, 28, 28], batch: 8, steps: 2, warmup: 1, rounds: 1, augment: 'standard,cutmix' });
    expect(r.backend).toBe('cpu');
    expect(r.plain).toBeGreaterThan(0);
    expect(r.augmented).toBeGreaterThan(0);
    expect(r.ratio).toBeCloseTo(r.augmented / r.plain, 12);
    expect(r.augmentedBatchMs).toBeGreaterThan(0);
    expect(r.capture).toEqual({ plain: 'none', augmented: 'none' }); // the cpu engine has no step capture
  });
});
