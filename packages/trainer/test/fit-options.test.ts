import { describe, expect, it } from 'vitest';
import { fitOptionsOf } from '../src/fit-options.js';

describe('fitOptionsOf', () => {
  it("takes the run's early-stopping patience and min-delta", () => {
    expect(fitOptionsOf({ earlyStopping: { enabled: true, patience: 5, minDelta: 0.01, restoreBest: true } })).toEqual({ patience: 5, minDelta: 0.01 });
  });

  it('uses patience 2 where the run has none to give (0, missing, not a config)', () => {
    expect(fitOptionsOf({ earlyStopping: { patience: 0, minDelta: 0 } })).toEqual({ patience: 2, minDelta: 0 });
    expect(fitOptionsOf({})).toEqual({ patience: 2, minDelta: 0 });
    expect(fitOptionsOf(null)).toEqual({ patience: 2, minDelta: 0 });
    expect(fitOptionsOf({ earlyStopping: { patience: 2.5, minDelta: -1 } })).toEqual({ patience: 2, minDelta: 0 });
  });
});
