export { nin, ninBlock, NIN_BLOCKS, type NiNOptions } from './nin.js';
