export { formatBytes, formatCount, formatMacs, formatPercent, type FormatOptions } from './format.js';
export { memoryOf, BYTES_PER_VALUE, type MemoryBytes } from './memory.js';
export {
  convCost, bottleneckSavings, groupedConvCost, denseLayerMemory, denseStackMemory, denseNetChannelGrowth,
  type ConvCostInput, type ConvCost, type BottleneckInput, type BottleneckSavings, type GroupedConvCost,
  type DenseLayerMemory, type DenseStackMemory, type DenseNetStage, type DenseNetChannels,
} from './worked-examples.js';
export { analyzeModel, ACTIVATION_MEMORY_NOTE, type AnalyzeOptions, type ComplexityReport, type LayerComplexity } from './complexity/analyze.js';
export { denseLayersOf, type DenseLayerInfo } from './complexity/dense.js';
export { compareArchitectures, sortRows, type CompareOptions, type ComparisonRow, type SortDirection } from './complexity/compare.js';
export { diagnoseFit } from './fit/diagnose.js';
export type {
  EpochMetrics, FitOptions, FitDiagnosis, FitStatus, Overfitting, Underfitting, UnderfitReason, RecentRise, EpochGap,
} from './fit/types.js';
