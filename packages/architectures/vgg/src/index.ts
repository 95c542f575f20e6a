export {
  vgg, vggBlock, vggFeatures, vggClassifier, vggTorchvision, VGG_ARCHS,
  type VggArch, type VggOptions,
} from './vgg.js';
