/**
 * The pure formulas: number formats, memory, the worked examples and block costs. This entry point
 * (`@cnnlab/analysis/formulas`) imports neither @cnnlab/core nor TensorFlow.js, so a browser bundle can use it.
 */
export { formatBytes, formatCount, formatMacs, formatPercent, type FormatOptions } from './format.js';
export { memoryOf, BYTES_PER_VALUE, type MemoryBytes } from './memory.js';
export {
  convCost, bottleneckSavings, groupedConvCost, denseLayerMemory, denseStackMemory, denseNetChannelGrowth,
  type ConvCostInput, type ConvCost, type BottleneckInput, type BottleneckSavings, type GroupedConvCost,
  type DenseLayerMemory, type DenseStackMemory, type DenseNetStage, type DenseNetChannels,
} from './worked-examples.js';
export {
  bottleneckBlockCost, blockCostByGroups, groupChoices, type BottleneckBlockInput, type BottleneckBlockCost, type BlockLayerCost,
} from './block-cost.js';
