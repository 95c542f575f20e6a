export {
  convBlock, denseBlock, transitionBlock, densenet,
  type ConvBlockOptions, type DenseBlockOptions, type DenseNetOptions,
} from './densenet.js';
