export { probeTorch } from './probe.js';
export type { TorchProbe } from './probe.js';
export { registerTorchBackend, nativeKernelNames, BACKEND_NAME } from './register.js';
export type { TorchBackendOptions, TorchBackendInfo } from './register.js';
export { torchFallbacks, resetTorchFallbacks } from './fallback.js';
export { resolveTorchDevice } from './device.js';
export type { TorchDeviceRequest } from './device.js';
export { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from './kernels/nn.js';
export { INSTALL_HELP } from './native.js';
