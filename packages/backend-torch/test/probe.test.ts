import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeTorch } from '../src/index.js';
import { describeCuda } from '../src/probe.js';
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

describe('describeCuda', () => {
  it('names the GPU and cuda when a CUDA build sees one', () => {
    const line = describeCuda({ cuda: true, cudaBuilt: true, cudaDriver: '', gpus: ['NVIDIA H100 80GB HBM3'] });
    expect(line).toBe('CUDA build, GPU cuda:0 NVIDIA H100 80GB HBM3: trains on cuda');
  });

  it('says why a CUDA build without a GPU trains on the CPU', () => {
    const line = describeCuda({ cuda: false, cudaBuilt: true, cudaDriver: 'no NVIDIA driver (libcuda.so.1 not found)', gpus: [] });
    expect(line).toBe('CUDA build, no GPU visible: no NVIDIA driver (libcuda.so.1 not found); trains on the CPU');
  });

  it('tells a CPU-only build how to rebuild against a CUDA libtorch', () => {
    const line = describeCuda({ cuda: false, cudaBuilt: false, cudaDriver: 'no NVIDIA driver (libcuda.so.1 not found)', gpus: [] });
    expect(line).toMatch(/^CPU-only libtorch .*trains on the CPU.*LIBTORCH=/);
  });

  it.runIf(runTorchTests)('the built addon reports its CUDA build and driver state', () => {
    const probe = probeTorch();
    expect(probe.gpus).toEqual(expect.any(Array));
    // CNNLAB_EXPECT_CUDA_BUILD: set by tools/cuda-check for the build linked against libtorch-cuda.
    expect(probe.cudaBuild).toBe(process.env.CNNLAB_EXPECT_CUDA_BUILD === '1');
    expect(probe.cudaNote!.startsWith(probe.cudaBuild ? 'CUDA build' : 'CPU-only libtorch')).toBe(true);
    if (!probe.cuda) expect(probe.cudaNote).toMatch(/trains on the CPU/);
  });
});
