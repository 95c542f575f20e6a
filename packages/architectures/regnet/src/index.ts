import './regnet.js';

export {
  xBlock, anynetStem, anynetStage, anynet,
  type AnyNetStage, type AnyNetConfig, type AnyNetOptions, type XBlockOptions,
} from './anynet.js';
export {
  ANYNET_RANGES, ANYNET_SPACES, bottleneckWidth, designSpace, isValidAnyNet, sampleAnyNet, validateAnyNet,
  type AnyNetSpaceName, type DesignConstraints, type DesignRanges, type DesignSpace, type SampleOptions,
} from './design-space.js';
export { regnetBlockWidths, regnetStages, type RegNetParams } from './quantized.js';
export { mulberry32, pick, randomInt, type Rng } from './rng.js';
