import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeTorch } from '../src/index.js';
import { runTorchTests } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function probeInChild(env: Record<string, string>) {
  const code = "import('./src/index.ts').then((m) => console.log(JSON.stringify(m.probeTorch())))";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ReturnType<typeof probeTorch>;
}

describe('probeTorch', () => {
  it('never throws when the addon is missing; the reason says how to install', () => {
    const probe = probeInChild({ CNNLAB_TORCH_ADDON: '/nonexistent/cnnlab_torch.node' });
    expect(probe.available).toBe(false);
    expect(probe.cuda).toBe(false);
    expect(probe.reason).toContain('apt-get install -y libtorch-dev');
    expect(probe.reason).toContain('npm rebuild @cnnlab/backend-torch');
  });

  it.runIf(runTorchTests)('reports the libtorch version and CUDA availability of the built addon', () => {
    const probe = probeTorch();
    expect(probe).toMatchObject({ available: true, cuda: expect.any(Boolean) });
    expect(probe.libtorchVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(probe.addonPath).toMatch(/cnnlab_torch\.node$/);
  });
});
