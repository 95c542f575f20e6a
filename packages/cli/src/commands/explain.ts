import { Command } from 'commander';
import {
  bottleneckSavings, denseLayerMemory, denseNetChannelGrowth, denseStackMemory, formatBytes, groupedConvCost,
} from '@cnnlab/analysis';
import { int, intList, num } from '../parse.js';
import { thousands } from '../table.js';

/**
 * The course's worked examples (d2l chapter 8), each with its numbers as flags:
 * the defaults print the course's own example, other values redo it.
 */

const bytes = (n: number) => `${thousands(n)} bytes = ${formatBytes(n)}`;

function bottleneck(): Command {
  return new Command('bottleneck')
    .description("Inception's 1x1 bottleneck: a k×k convolution cin→cout against a 1x1 reduction to r channels first")
    .option('--h <n>', 'output height', int('--h'), 28)
    .option('--w <n>', 'output width', int('--w'), 28)
    .option('--cin <n>', 'input channels', int('--cin'), 192)
    .option('--cout <n>', 'output channels', int('--cout'), 32)
    .option('--k <n>', 'kernel size', int('--k'), 5)
    .option('--r <n>', 'channels of the 1x1 reduction', int('--r'), 16)
    .action((o: { h: number; w: number; cin: number; cout: number; k: number; r: number }) => {
      const s = bottleneckSavings({ h: o.h, w: o.w, cin: o.cin, cout: o.cout, k: o.k, reduce: o.r });
      const kk = `${o.k}x${o.k}`;
      console.log(`${kk} convolution ${o.cin} → ${o.cout} channels at ${o.h}x${o.w}: ${o.h}·${o.w}·${o.k}²·${o.cin}·${o.cout} = ${thousands(s.direct.macs)} multiply-adds`);
      console.log(`1x1 reduction ${o.cin} → ${o.r}, then ${kk} ${o.r} → ${o.cout}: ${thousands(s.reduction.macs)} + ${thousands(s.conv.macs)} = ${thousands(s.bottleneck.macs)} multiply-adds`);
      console.log(`${thousands(s.direct.macs)} vs ${thousands(s.bottleneck.macs)}: ${s.ratio.toFixed(1)}x fewer multiply-adds, ${s.paramRatio.toFixed(1)}x fewer parameters (${thousands(s.direct.params)} vs ${thousands(s.bottleneck.params)}, with biases)`);
    });
}

function grouping(): Command {
  return new Command('grouping')
    .description("A grouped convolution (ResNeXt, RegNet) against the same convolution ungrouped: g groups cost g times less (defaults: ResNeXt-50 32x4d's first grouped convolution)")
    .option('--h <n>', 'output height', int('--h'), 56)
    .option('--w <n>', 'output width', int('--w'), 56)
    .option('--cin <n>', 'input channels', int('--cin'), 128)
    .option('--cout <n>', 'output channels', int('--cout'), 128)
    .option('--k <n>', 'kernel size', int('--k'), 3)
    .option('--groups <n>', 'channel groups', int('--groups'), 32)
    .action((o: { h: number; w: number; cin: number; cout: number; k: number; groups: number }) => {
      const c = groupedConvCost({ h: o.h, w: o.w, cin: o.cin, cout: o.cout, k: o.k, groups: o.groups });
      console.log(`${o.k}x${o.k} convolution ${o.cin} → ${o.cout} channels at ${o.h}x${o.w}`);
      console.log(`ungrouped: ${o.h}·${o.w}·${o.k}²·${o.cin}·${o.cout} = ${thousands(c.dense.macs)} multiply-adds, ${thousands(c.dense.weights)} weights`);
      console.log(`${o.groups} groups:  ${o.h}·${o.w}·${o.k}²·${o.cin}·${o.cout}/${o.groups} = ${thousands(c.grouped.macs)} multiply-adds, ${thousands(c.grouped.weights)} weights (${c.saving}x fewer)`);
    });
}

function alexnetFc(): Command {
  return new Command('alexnet-fc')
    .description("AlexNet's dense layers: parameters and FP32 memory of a chain of dense layers given by its widths")
    .option('--widths <list>', 'layer widths, input first', intList('--widths'), [6400, 4096, 4096])
    .action((o: { widths: number[] }) => {
      const s = denseStackMemory(o.widths);
      for (const l of s.layers) console.log(`${l.inFeatures} → ${l.outFeatures}: ${l.inFeatures}·${l.outFeatures} + ${l.outFeatures} = ${thousands(l.params)} parameters`);
      console.log(`total ${thousands(s.params)} parameters, ${bytes(s.memory.fp32)} in FP32 (${formatBytes(s.memory.fp16)} in FP16)`);
    });
}

function vggFc(): Command {
  return new Command('vgg-fc')
    .description("VGG-11's first dense layer: the flattened 512x7x7 features into 4096 units")
    .option('--in <n>', 'input features (channels·height·width after the last pool)', int('--in'), 25088)
    .option('--out <n>', 'units', int('--out'), 4096)
    .action((o: { in: number; out: number }) => {
      const l = denseLayerMemory({ inFeatures: o.in, outFeatures: o.out });
      console.log(`${o.in} → ${o.out}: ${o.in}·${o.out} + ${o.out} = ${thousands(l.params)} parameters, ${thousands(l.macs)} multiply-adds per image`);
      console.log(`${bytes(l.memory.fp32)} in FP32 (${formatBytes(l.memory.fp16)} in FP16)`);
    });
}

function densenetChannels(): Command {
  return new Command('densenet-channels')
    .description('Channels through a DenseNet: each block adds convs·growth, each transition keeps channels·compression')
    .option('--initial <n>', 'channels after the stem', int('--initial'), 64)
    .option('--growth <n>', 'growth rate (channels per conv)', int('--growth'), 32)
    .option('--blocks <list>', 'convolutions per dense block', intList('--blocks'), [4, 4, 4, 4])
    .option('--compression <x>', 'fraction of channels a transition keeps', num('--compression', { min: 0, exclusiveMin: true }), 0.5)
    .action((o: { initial: number; growth: number; blocks: number[]; compression: number }) => {
      const d = denseNetChannelGrowth(o);
      for (const s of d.stages) {
        const what = s.kind === 'input' ? 'stem' : s.kind === 'block' ? `dense block ${s.index} (+${o.blocks[s.index - 1]}·${o.growth})` : `transition ${s.index} (×${o.compression})`;
        console.log(`${what.padEnd(28)} ${s.channels}`);
      }
      console.log(`channels: ${d.channels.join(' → ')}`);
    });
}

export function explainCommand(): Command {
  const explain = new Command('explain')
    .description("The course's worked examples with your own numbers: bottleneck, grouping, alexnet-fc, vgg-fc, densenet-channels (defaults: the course's)");
  for (const example of [bottleneck(), grouping(), alexnetFc(), vggFc(), densenetChannels()]) explain.addCommand(example);
  return explain;
}
