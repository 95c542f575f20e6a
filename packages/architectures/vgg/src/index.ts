export {
  vgg, vggBlock, vggFeatures, vggClassifier, vggTorchvision, adaptiveAvgPool, VGG_ARCHS,
  type VggArch, type VggOptions,
} from './vgg.js';
