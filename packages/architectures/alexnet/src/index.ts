export {
  alexnet, alexnetTorchvision, alexnetFeatures, ALEXNET_D2L_CONVS, ALEXNET_TORCHVISION_CONVS,
  type AlexNetOptions, type AlexNetConv,
} from './alexnet.js';
