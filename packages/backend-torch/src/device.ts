export type TorchDeviceRequest = 'auto' | 'cpu' | 'cuda';

/** Where tensors live: `auto` takes CUDA when this libtorch has a CUDA device, else the CPU. */
export function resolveTorchDevice(requested: TorchDeviceRequest, cudaAvailable: boolean): 'cpu' | 'cuda' {
  if (requested === 'cpu') return 'cpu';
  if (requested === 'cuda') {
    if (!cudaAvailable) {
      throw new Error('Device "cuda" was requested, but this libtorch has no CUDA device (a CPU-only build such as Debian\'s libtorch-dev, '
        + 'or no GPU/driver). Build @cnnlab/backend-torch against a CUDA libtorch with LIBTORCH=<dir>, or use --device cpu');
    }
    return 'cuda';
  }
  if (requested === 'auto') return cudaAvailable ? 'cuda' : 'cpu';
  throw new Error(`Unknown device "${String(requested)}". Choose one of: auto, cpu, cuda`);
}
