import * as tf from '@tensorflow/tfjs';

export { tf };
export { initEngine, engineInfo, describeEngine, doctor, validateBackend, validateDevice, BACKEND_CHOICES } from './engine/engine.js';
export type { BackendChoice, EngineInfo, EngineOptions, DoctorReport } from './engine/engine.js';
export { engineOrder, type EngineSlot } from './engine/order.js';
export { DEVICE_CHOICES, TORCH_INSTALL_LINES, loadTorchModule, probeTorchEngine, torchFallbackCounts, resetTorchFallbackCounts } from './engine/torch.js';
export type { DeviceChoice, TorchProbe, TorchModule } from './engine/torch.js';
export { MAX_WASM_THREADS, validateThreads } from './engine/wasm/threads.js';
export { registerWasmTrainingKernels, wasmKernelSet, WASM_TRAINING_KERNELS, WASM_FAST_KERNEL_NAMES } from './engine/wasm/register.js';
export type { WasmKernelSet } from './engine/wasm/register.js';
export { registerFastGradients } from './engine/gradients.js';
export { captureStep, captureStatus, profileReplays, type CaptureStatus, type ReplayProfile } from './engine/capture.js';
export { GroupedConv2D } from './layers/grouped-conv.js';
export { Padding2D, FLOAT32_LOWEST } from './layers/padding.js';
export { SeededDropout, getDropoutState, setDropoutState } from './layers/dropout.js';
export { softmaxCrossEntropy, SOFTMAX_CROSS_ENTROPY_KERNEL, SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL } from './losses.js';
export * from './model/blocks.js';
export { scope, withBuildContext } from './model/build-context.js';
export {
  registerArchitecture, registerAlias, listAliases, listArchitectures, getArchitecture, hasArchitecture, createModel, resolveConfig, closeMatches, editDistance,
} from './model/registry.js';
export { installedFamilyPackages, loadInstalledFamilies } from './model/families.js';
export type { LoadedFamilies } from './model/families.js';
export type {
  ArchitectureSpec, ArchitectureDefaults, ArchitectureFilter, ArchitectureSource, CreateModelOptions, InputShape, ReferenceCounts, TrainingDefaults,
} from './model/registry.js';
export { summarize, layerMacs } from './model/summary.js';
export type { LayerRow, ModelSummary } from './model/summary.js';
export { saveModel, loadModel, directoryHandler } from './io/model-io.js';
export { writeFileAtomic } from './io/atomic-write.js';
