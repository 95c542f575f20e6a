export {
  alexnet, alexnetTorchvision, alexnetFeatures, adaptiveAvgPool, ALEXNET_D2L_CONVS, ALEXNET_TORCHVISION_CONVS,
  type AlexNetOptions, type ConvSpec,
} from './alexnet.js';
