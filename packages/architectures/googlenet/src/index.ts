export {
  googlenet, googlenetTorchvision, inception, maxPoolCeil, GOOGLENET_STAGES,
  type GoogLeNetOptions, type InceptionChannels, type InceptionOptions,
} from './googlenet.js';
