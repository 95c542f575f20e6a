/**
 * The optional `@cnnlab/backend-torch` package (a TensorFlow.js backend on
 * libtorch). Core never imports it statically: it is an optional peer, loaded
 * only when the engine tries it, because Debian's libtorch pulls in ~286 shared
 * libraries and its addon exists only where libtorch and a compiler were found
 * at install time.
 */

export const TORCH_PACKAGE = '@cnnlab/backend-torch';

/** What a user chooses with `--device`; `auto` is CUDA where the libtorch build has it, else the CPU. */
export type DeviceChoice = 'auto' | 'cpu' | 'cuda';
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'cuda'];

/** The slice of `@cnnlab/backend-torch`'s API that the engine, the bench and the tests use. */
export interface TorchProbe {
  available: boolean; reason?: string; libtorchVersion?: string; cuda: boolean; addonPath?: string;
  /** The addon's libtorch has CUDA kernels; `cudaNote`: that build, the GPU or why none is visible, and where it trains. */
  cudaBuild?: boolean; cudaNote?: string;
}
export interface TorchBackendInfo { backend: 'torch'; device: 'cpu' | 'cuda'; threads: number; libtorchVersion: string }
export interface TorchModule {
  probeTorch(): TorchProbe;
  registerTorchBackend(opts?: { threads?: number; device?: DeviceChoice }): Promise<TorchBackendInfo>;
  torchFallbacks(): ReadonlyMap<string, number>;
  resetTorchFallbacks(): void;
}

/** The lines `cnnlab doctor` prints when the torch engine cannot load. */
export const TORCH_INSTALL_LINES: readonly string[] = [
  'apt-get install -y libtorch-dev g++ make python3   # Debian/Ubuntu: libtorch 1.13 (CPU) and what node-gyp needs',
  `npm rebuild ${TORCH_PACKAGE}                  # builds the addon against it (or: npm install ${TORCH_PACKAGE})`,
  `LIBTORCH=/path/to/libtorch npm rebuild ${TORCH_PACKAGE}   # a libtorch unpacked from pytorch.org instead (CUDA builds too)`,
];

export const TORCH_INSTALL = `${TORCH_INSTALL_LINES.map((l) => l.split('   #')[0]!.trim()).slice(0, 2).join(' && ')} (or LIBTORCH=<libtorch dir> for a pytorch.org build, CUDA included)`;

let loaded: Promise<{ module: TorchModule | null; error?: string }> | undefined;

/** The backend-torch module, or null with the reason when the package is not installed or fails to import. */
export async function loadTorchModule(): Promise<{ module: TorchModule | null; error?: string }> {
  loaded ??= (async () => {
    try {
      // A variable specifier keeps bundlers and tsc from resolving the optional peer.
      const specifier = TORCH_PACKAGE;
      return { module: (await import(specifier)) as TorchModule };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      const missing = /Cannot find (package|module)/.test(message);
      return { module: null, error: missing ? `${TORCH_PACKAGE} is not installed` : `${TORCH_PACKAGE} failed to import: ${message}` };
    }
  })();
  return loaded;
}

/** probeTorch() of the installed package, or an unavailable probe saying the package is missing. */
export async function probeTorchEngine(): Promise<TorchProbe> {
  const { module, error } = await loadTorchModule();
  if (!module) return { available: false, reason: error, cuda: false };
  return module.probeTorch();
}

/** Kernel name → times it ran on the non-native fallback since the last reset (empty when torch is not loaded). */
export async function torchFallbackCounts(): Promise<Map<string, number>> {
  const { module } = await loadTorchModule();
  return new Map(module?.torchFallbacks() ?? []);
}

export async function resetTorchFallbackCounts(): Promise<void> {
  (await loadTorchModule()).module?.resetTorchFallbacks();
}
