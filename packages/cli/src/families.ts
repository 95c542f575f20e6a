import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from "node:path";

/** The families this CLI ships with; others installed as @cnnlab/arch-* are found too. */
const KNOWN = ['lenet', 'alexnet', 'vgg', 'nin', 'googlenet', 'resnet', 'densenet', 'regnet'].map((f) => `@cnnlab/arch-${f}`);

function installedArchPackages(): string[] {
  const found = new Set(KNOWN);
  const require = createRequire(import.meta.url);
  for (const base of require.resolve.paths('@cnnlab/core') ?? []) {
    const scope = join(base, '@cnnlab');
    if (!existsSync(scope)) continue;
    for (const name of readdirSync(scope)) if (name.startsWith('arch-')) found.add(`@cnnlab/${name}`);
  }
  return [...found];
}

/** Imports every installed architecture family (each registers its models on import). */
export async function loadFamilies(): Promise<{ loaded: string[]; missing: string[] }> {
  const loaded: string[] = [], missing: string[] = [];
  for (const name of installedArchPackages()) {
    try {
      await import(name);
      loaded.push(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(name)) missing.push(name);
      else throw error;
    }
  }
  return { loaded, missing };
}

