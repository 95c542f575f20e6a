import { describe, expect, it } from 'vitest';
import { createModel, imageInput, initEngine, listArchitectures, summarize, tf } from '@cnnlab/core';
import { inception, maxPoolCeil } from '../src/index.js';
import { overfitSmallBatch } from '../../../../test-support/overfit.js';
import { saveLoadOutputs } from '../../../../test-support/round-trip.js';
import { forwardOnce } from '../../../../test-support/forward.js';

const stages = (name: string, input?: [number, number, number]) => {
  const model = createModel(name, { input });
  const rows = summarize(model, { depth: 1 }).rows.map((r) => [r.name, r.outputShape]);
  model.dispose();
  return rows;
};

describe('googlenet family', () => {
  it('registers the d2l and torchvision GoogLeNets', () => {
    expect(listArchitectures({ family: 'googlenet' }).map((s) => s.name)).toEqual(['googlenet', 'googlenet-d2l']);
  });

  it('builds an Inception block: four branches concatenated along the channels', () => {
    const x = imageInput([192, 28, 28]);
    const y = inception(x, 64, [96, 128], [16, 32], 32);
    const model = tf.model({ inputs: x, outputs: y });
    expect(y.shape).toEqual([null, 28, 28, 64 + 128 + 32 + 32]);
    // 1x1: 192·64; 1x1 → 3x3: 192·96, 96·9·128; 1x1 → 5x5: 192·16, 16·25·32; pool → 1x1: 192·32; plus biases.
    expect(model.countParams()).toBe(163_696);
    expect(model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.name).sort()).toEqual([
      'branch1.conv1', 'branch2.conv1', 'branch2.conv2', 'branch3.conv1', 'branch3.conv2', 'branch4.conv1',
    ]);
  });

  it('pools like PyTorch ceil_mode=True', async () => {
    await initEngine({ backend: 'wasm' });
    const x = imageInput([1, 4, 4]);
    const model = tf.model({ inputs: x, outputs: maxPoolCeil(x, 3, 2) });
    const y = tf.tidy(() => model.predict(tf.range(0, 16).reshape([1, 4, 4, 1])) as tf.Tensor);
    expect(y.shape).toEqual([1, 2, 2, 1]); // floor mode gives 1x1
    expect(Array.from(y.dataSync())).toEqual([10, 11, 14, 15]);
    y.dispose();
    const z = imageInput([1, 14, 14]);
    expect(maxPoolCeil(z, 2, 2).shape).toEqual([null, 7, 7, 1]);
    expect(maxPoolCeil(imageInput([1, 5, 5]), 2, 2).shape).toEqual([null, 3, 3, 1]);
  });

  it('matches d2l at 1x96x96: 5,977,530 parameters', () => {
    const model = createModel('googlenet-d2l');
    expect(summarize(model).totals).toMatchObject({ trainableParams: 5_977_530, macs: 276_066_304 });
    model.dispose();
    expect(stages('googlenet-d2l')).toEqual([
      ['stage1', [64, 24, 24]], ['stage2', [192, 12, 12]], ['stage3', [480, 6, 6]], ['stage4', [832, 3, 3]], ['stage5', [1024]], ['head', [10]],
    ]);
  });

  it('matches torchvision without aux heads: 6,624,904 parameters, 1.50 GFLOPS, BN eps 0.001', () => {
    const model = createModel('googlenet');
    const { totals, rows } = summarize(model);
    expect(totals.trainableParams).toBe(6_624_904);
    expect(totals.nonTrainableParams).toBe(14_560); // BN running mean and variance: 2 x 7,280 channels
    expect((totals.macs / 1e9).toFixed(2)).toBe('1.50');
    expect(rows.find((r) => r.name === 'stage3.block1.branch3.conv2')).toMatchObject({ params: 3 * 3 * 16 * 32 });
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    expect(bn.getConfig().epsilon).toBe(1e-3);
    model.dispose();
    expect(stages('googlenet')).toEqual([
      ['stage1', [64, 56, 56]], ['stage2', [192, 28, 28]], ['stage3', [480, 14, 14]], ['stage4', [832, 7, 7]], ['stage5', [1024]], ['head', [1000]],
    ]);
  });

  it('adds batch norm after each convolution of the d2l model when asked', () => {
    const model = createModel('googlenet-d2l', { options: { norm: 'batch' } });
    expect(summarize(model).totals.trainableParams).toBe(5_977_530 + 2 * 7_280);
    model.dispose();
  });

  it.each(['googlenet-d2l', 'googlenet'])('%s runs a forward pass on wasm', async (name) => {
    await initEngine({ backend: 'wasm' });
    const model = createModel(name);
    expect(forwardOnce(model)).toEqual({ shape: [1, name === 'googlenet' ? 1000 : 10], finite: true });
    model.dispose();
  });

  it('rejects an input too small for its pooling stack, naming the layer', () => {
    // d2l's padded pools keep at least one pixel; torchvision's ceil-mode stem pool needs two.
    expect(() => createModel('googlenet', { input: [3, 2, 2] })).toThrow(/Layer "stage1\.maxpool1" \(MaxPooling2D\) cannot take input 64x1x1/);
  });

  it('overfits a small batch of Fashion-MNIST on wasm (32x32, channels ÷8)', async () => {
    const { before, after } = await overfitSmallBatch('googlenet-d2l', { input: [1, 32, 32], options: { widthDivisor: 8 }, images: 40, steps: 40, lr: 2e-3 });
    expect(after).toBeLessThan(before * 0.5);
  });

  it('saves and loads the torchvision GoogLeNet (ceil-mode pools, BN eps 0.001) with identical outputs', async () => {
    const options = { input: [3, 64, 64] as const, classes: 10, options: { widthDivisor: 8 } };
    const model = createModel('googlenet', options);
    expect(model.layers.find((l) => l.getClassName() === 'BatchNormalization')!.getConfig().epsilon).toBe(1e-3);
    model.dispose();
    // A wrong epsilon after loading would change every output.
    const { before, after } = await saveLoadOutputs('googlenet', options);
    expect(after).toEqual(before);
  });
});
