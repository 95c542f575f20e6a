import { registerAlias, registerArchitecture } from '@cnnlab/core';
import { anynet, type AnyNetOptions } from './anynet.js';
import { regnetStages, type RegNetParams } from './quantized.js';

/** d2l's RegNetX32 (8.8.3): stem 32, two stages of group width 16 and bottleneck ratio 1. */
const regnetx32: AnyNetOptions = {
  stemChannels: 32,
  stages: [
    { depth: 4, width: 32, groupWidth: 16, bottleneckRatio: 1 },
    { depth: 6, width: 80, groupWidth: 16, bottleneckRatio: 1 },
  ],
  bias: true,
  norm: 'batch',
};

registerArchitecture<AnyNetOptions>({
  name: 'regnetx32-d2l',
  family: 'regnet',
  description: 'RegNetX32 (d2l 8.8): an AnyNet with stem 32, stages (4, 32) and (6, 80), group width 16; any AnyNet via options',
  source: 'd2l',
  defaults: { input: [1, 96, 96], classes: 10, options: regnetx32, training: { lr: 0.05, batchSize: 128, epochs: 10 } },
  reference: { params: 179_290, source: 'd2l RegNetX32 (PyTorch)' },
  build: (x, { classes, options }) => anynet(x, { ...options, classes }),
});

/** torchvision's RegNetX models: stem 32, X-blocks without biases, stages from the quantized linear widths. */
const torchvisionRegNetX = (p: RegNetParams): AnyNetOptions => ({ stemChannels: 32, stages: regnetStages(p), bias: false, norm: 'batch' });

for (const [name, params, count, macs] of [
  ['regnet_x_400mf', { depth: 22, w0: 24, wa: 24.48, wm: 2.54, groupWidth: 16 }, 5_495_976, 0.414e9],
  ['regnet_x_800mf', { depth: 16, w0: 56, wa: 35.73, wm: 2.28, groupWidth: 16 }, 7_259_656, 0.8e9],
  ['regnet_x_1_6gf', { depth: 18, w0: 80, wa: 34.01, wm: 2.25, groupWidth: 24 }, 9_190_136, 1.6e9],
] as const) {
  registerArchitecture<AnyNetOptions>({
    name,
    family: 'regnet',
    description: `RegNetX (torchvision): depth ${params.depth}, w_0 ${params.w0}, w_a ${params.wa}, w_m ${params.wm}, group width ${params.groupWidth}`,
    source: 'torchvision',
    defaults: { input: [3, 224, 224], classes: 1000, options: torchvisionRegNetX(params) },
    reference: { params: count, macs, source: `torchvision ${name}` },
    build: (x, { classes, options }) => anynet(x, { ...options, classes }),
  });
}

/** The course's name for it (`cnnlab complexity … regnetx32 …`). */
registerAlias('regnetx32', 'regnetx32-d2l');
