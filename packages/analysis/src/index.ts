export * from './formulas.js';
export { analyzeModel, ACTIVATION_MEMORY_NOTE, type AnalyzeOptions, type ComplexityReport, type LayerComplexity } from './complexity/analyze.js';
export { denseLayersOf, type DenseLayerInfo } from './complexity/dense.js';
export { compareArchitectures, sortRows, type CompareOptions, type ComparisonRow, type SortDirection } from './complexity/compare.js';
export * from './fit/index.js';
