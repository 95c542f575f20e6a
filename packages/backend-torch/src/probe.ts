import { ADDON_PATH, loadNative } from './native.js';

export interface TorchProbe {
  available: boolean;
  /** What is missing and how to install it, when not available. */
  reason?: string;
  libtorchVersion?: string;
  /** A CUDA device is usable: tensors go to the GPU with --device auto. */
  cuda: boolean;
  /** The addon's libtorch has CUDA kernels (built against a CUDA libtorch). */
  cudaBuild?: boolean;
  gpus?: string[];
  /** The CUDA build, the GPU (or why none is visible) and the device training takes. */
  cudaNote?: string;
  addonPath?: string;
}

export interface CudaFacts {
  cuda: boolean;
  cudaBuilt: boolean;
  cudaDriver: string;
  gpus: readonly string[];
}

/** One line for doctor: which build this is, what GPU it sees, and why it trains where it does. */
export function describeCuda(f: CudaFacts): string {
  if (!f.cudaBuilt) {
    return 'CPU-only libtorch (no CUDA kernels): trains on the CPU. For a GPU, rebuild against a CUDA libtorch '
      + '(LIBTORCH=$(python3 -c \'import torch,os;print(os.path.dirname(torch.__file__))\') npm rebuild @cnnlab/backend-torch)';
  }
  if (f.cuda && f.gpus.length) return `CUDA build, GPU ${f.gpus.map((g, i) => `cuda:${i} ${g}`).join(', ')}: trains on cuda`;
  const why = f.cudaDriver || (f.gpus.length ? `the driver lists ${f.gpus.join(', ')} but libtorch cannot use it (CUDA runtime/driver mismatch?)` : 'libtorch sees no CUDA device');
  return `CUDA build, no GPU visible: ${why}; trains on the CPU`;
}

/** Loads the addon (and libtorch) if it can; never throws. */
export function probeTorch(): TorchProbe {
  try {
    const native = loadNative();
    const facts: CudaFacts = { cuda: native.cuda, cudaBuilt: native.cudaBuilt, cudaDriver: native.cudaDriver, gpus: native.gpus };
    return {
      available: true, libtorchVersion: native.libtorchVersion, cuda: native.cuda, cudaBuild: native.cudaBuilt, gpus: [...native.gpus],
      cudaNote: describeCuda(facts), addonPath: ADDON_PATH,
    };
  } catch (error) {
    return { available: false, reason: (error as Error).message, cuda: false };
  }
}
