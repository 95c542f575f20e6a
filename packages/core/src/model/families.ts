import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The families cnnlab ships; any other installed @cnnlab/arch-* package is found too. */
const KNOWN_FAMILIES = ['lenet', 'alexnet', 'vgg', 'nin', 'googlenet', 'resnet', 'densenet', 'regnet'].map((f) => `@cnnlab/arch-${f}`);

/** Package names of the architecture families next to @cnnlab/core in node_modules (plus the known ones). */
export function installedFamilyPackages(): string[] {
  const found = new Set(KNOWN_FAMILIES);
  const require = createRequire(import.meta.url);
  for (const base of require.resolve.paths('@cnnlab/core') ?? []) {
    const scope = join(base, '@cnnlab');
    if (!existsSync(scope)) continue;
    for (const name of readdirSync(scope)) if (name.startsWith('arch-')) found.add(`@cnnlab/${name}`);
  }
  return [...found].sort();
}

export interface LoadedFamilies {
  loaded: string[];
  /** Packages that are not installed. */
  missing: string[];
  /** Packages that are installed but failed to load, with the reason. */
  failed: { name: string; error: string }[];
}

let loading: Promise<LoadedFamilies> | null = null;

/**
 * Imports every installed architecture family once (each registers its models
 * on import, like timm's model modules). Missing families are listed, not fatal.
 */
export function loadInstalledFamilies(): Promise<LoadedFamilies> {
  loading ??= (async () => {
    const result: LoadedFamilies = { loaded: [], missing: [], failed: [] };
    for (const name of installedFamilyPackages()) {
      try {
        // A variable specifier: families are optional and resolved at run time.
        const specifier = name;
        await import(specifier);
        result.loaded.push(name);
      } catch (error) {
        const notInstalled = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(name);
        if (notInstalled) result.missing.push(name);
        else result.failed.push({ name, error: (error as Error).message });
      }
    }
    return result;
  })();
  return loading;
}
