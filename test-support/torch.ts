import { probeTorchEngine, type TorchProbe } from '@cnnlab/core';

/**
 * Whether a suite that needs the torch engine (libtorch and the built addon of
 * @cnnlab/backend-torch) runs: where they are, and always in CI (CI=true), where
 * a missing libtorch must fail the suite. Elsewhere it is skipped with a
 * warning saying what to install.
 */
export async function torchSuite(what: string): Promise<{ run: boolean; probe: TorchProbe; missing: string }> {
  const probe = await probeTorchEngine();
  const missing = `The torch engine cannot load (${probe.reason?.split('\n')[0] ?? 'unknown reason'}): ${what} need it. `
    + 'Install with: apt-get install -y libtorch-dev && npm rebuild @cnnlab/backend-torch';
  if (!probe.available && !process.env.CI) console.warn(`Skipping ${what}. ${missing}`);
  return { run: probe.available || Boolean(process.env.CI), probe, missing };
}
