import { ADDON_PATH, loadNative } from './native.js';

export interface TorchProbe {
  available: boolean;
  /** What is missing and how to install it, when not available. */
  reason?: string;
  libtorchVersion?: string;
  cuda: boolean;
  addonPath?: string;
}

/** Loads the addon (and libtorch) if it can; never throws. */
export function probeTorch(): TorchProbe {
  try {
    const native = loadNative();
    return { available: true, libtorchVersion: native.libtorchVersion, cuda: native.cuda, addonPath: ADDON_PATH };
  } catch (error) {
    return { available: false, reason: (error as Error).message, cuda: false };
  }
}
