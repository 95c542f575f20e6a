export {
  residual, resnextBlock, resnextGroups, resnetStem, resnet, torchvisionStages,
  type ResidualOptions, type ResNeXtBlockOptions, type ResNetOptions, type ResNetStage,
} from './resnet.js';
