import { describe, expect, it } from 'vitest';
import { createModel, listArchitectures, summarize } from '@cnnlab/core';
import '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';

describe('lenet family', () => {
  it('registers LeNet and BN-LeNet', () => {
    expect(listArchitectures({ family: 'lenet' }).map((s) => s.name)).toEqual(['bn-lenet', 'lenet']);
  });

  it('matches d2l parameter counts and shapes', () => {
    const lenet = summarize(createModel('lenet'));
    expect(lenet.totals.trainableParams).toBe(61_706);
    expect(lenet.rows.find((r) => r.name === 'flatten1')!.outputShape).toEqual([400]);
    const bn = summarize(createModel('bn-lenet'));
    expect(bn.totals.trainableParams).toBe(44_878);
    // BN running mean and variance are buffers in PyTorch, non-trainable weights here.
    expect(bn.totals.nonTrainableParams).toBe(2 * (6 + 16 + 120 + 84));
  });

  it('places batch norm after the activation when asked', () => {
    const types = (position: 'before' | 'after') =>
      summarize(createModel('bn-lenet', { options: { normPosition: position } })).rows.slice(0, 3).map((r) => r.type);
    expect(types('before')).toEqual(['Conv2D', 'BatchNormalization', 'Activation']);
    expect(types('after')).toEqual(['Conv2D', 'Activation', 'BatchNormalization']);
  });

  it('rejects an input too small for its pooling stack, naming the layer', () => {
    expect(() => createModel('bn-lenet', { input: [1, 8, 8] })).toThrow(/Layer "block2\.conv1" \(Conv2D\) cannot take input 6x2x2/);
  });

  it('rejects unknown options', () => {
    expect(() => createModel('lenet', { options: { depth: 3 } as never })).toThrow(/Unknown option "depth" for "lenet"/);
  });

  it.each(['lenet', 'bn-lenet'])('%s overfits a small batch of Fashion-MNIST on wasm', async (name) => {
    const { before, after } = await overfitSmallBatch(name, { images: 40, steps: 40, lr: 0.01 });
    expect(after).toBeLessThan(before * 0.5);
  });

  it('saves and loads with identical outputs', async () => {
    const { before, after } = await saveLoadOutputs('bn-lenet');
    expect(after).toEqual(before);
  });
});
