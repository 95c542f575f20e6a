import { afterEach, describe, expect, it } from 'vitest';
import { describeEngine, doctor, engineOrder, initEngine, probeTorchEngine, TORCH_INSTALL_LINES } from '../src/index.js';

const torch = await probeTorchEngine();
const slots = (s: { choice: string; device: string }[]) => s.map((x) => `${x.choice}/${x.device}`);

describe('engine order', () => {
  it('auto: GPU engines first (torch only where its libtorch has CUDA), then torch, tfjs-node, wasm, cpu on the CPU', () => {
    expect(slots(engineOrder('auto', 'auto', false))).toEqual(['tensorflow-gpu/cuda', 'torch/cpu', 'tensorflow/cpu', 'wasm/cpu', 'cpu/cpu']);
    expect(slots(engineOrder('auto', 'auto', true))).toEqual(['torch/cuda', 'tensorflow-gpu/cuda', 'torch/cpu', 'tensorflow/cpu', 'wasm/cpu', 'cpu/cpu']);
  });

  it('--device cpu drops the GPU engines; --device cuda keeps only them, torch included so that its reason is reported', () => {
    expect(slots(engineOrder('auto', 'cpu', true))).toEqual(['torch/cpu', 'tensorflow/cpu', 'wasm/cpu', 'cpu/cpu']);
    expect(slots(engineOrder('auto', 'cuda', false))).toEqual(['torch/cuda', 'tensorflow-gpu/cuda']);
  });

  it('an explicit engine is the only one tried; torch gets the device as asked', () => {
    expect(slots(engineOrder('torch', 'auto', false))).toEqual(['torch/auto']);
    expect(slots(engineOrder('torch', 'cuda', false))).toEqual(['torch/cuda']);
    expect(slots(engineOrder('wasm', 'cpu', true))).toEqual(['wasm/cpu']);
  });

  it('a device the engine cannot use is an error saying what would', () => {
    expect(() => engineOrder('wasm', 'cuda', true)).toThrow('--device cuda: the wasm engine runs on the CPU only; CUDA needs --backend torch with a CUDA build of libtorch, or --backend tensorflow-gpu');
    expect(() => engineOrder('tensorflow-gpu', 'cpu', false)).toThrow(/--device cpu contradicts --backend tensorflow-gpu/);
  });
});

describe('engine', () => {
  afterEach(() => {
    delete process.env.CNNLAB_DEVICE;
  });

  it(`auto picks ${torch.available ? 'torch (libtorch loads here)' : 'wasm, saying why torch was skipped'} and reports device and threads`, async () => {
    const info = await initEngine({ backend: 'auto' });
    expect(info.skipped.join('\n')).toMatch(/tfjs-node-gpu/);
    expect(info.device).toBe('cpu');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    if (torch.available) {
      expect(info).toMatchObject({ backend: 'torch', packageName: '@cnnlab/backend-torch', libtorchVersion: torch.libtorchVersion });
      expect(describeEngine(info)).toBe(`torch (libtorch ${torch.libtorchVersion}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`);
    } else {
      expect(info.backend).toBe('wasm');
      expect(info.skipped).toContain(`torch on cpu: @cnnlab/backend-torch not usable (${torch.reason!.split('\n')[0]})`);
      expect(describeEngine(info)).toMatch(/^wasm \(.*\d+ threads?\)$/);
    }
  });

  it.runIf(torch.available)('torch takes another thread count in the same process (at::set_num_threads); its device stays', async () => {
    const first = await initEngine({ backend: 'torch', threads: 1 });
    expect(first).toMatchObject({ backend: 'torch', threads: 1 });
    expect(await initEngine({ backend: 'torch', threads: 2 })).toMatchObject({ backend: 'torch', threads: 2 });
    await expect(initEngine({ backend: 'torch', device: 'cuda' })).rejects.toThrow(/has no CUDA|fixed once per process/);
  });

  it('wasm on request, whatever auto would pick', async () => {
    const info = await initEngine({ backend: 'wasm' });
    expect(info).toMatchObject({ backend: 'wasm', device: 'cpu' });
    expect(info.libtorchVersion).toBeUndefined();
  });

  it.runIf(!torch.available)('an explicit torch that cannot load fails with the lines that install it', async () => {
    await expect(initEngine({ backend: 'torch' })).rejects.toThrow(/Backend "torch" is not available: .*\.\nInstall it with: apt-get install -y libtorch-dev .*npm rebuild @cnnlab\/backend-torch .*LIBTORCH=/);
  });

  it('--device cuda on this CPU-only machine fails, naming why each GPU engine could not be used', async () => {
    process.env.CNNLAB_DEVICE = 'cuda';
    const reason = torch.available ? `libtorch ${torch.libtorchVersion} has no CUDA` : '@cnnlab/backend-torch';
    await expect(initEngine({ backend: 'auto' })).rejects.toThrow(new RegExp(`No TensorFlow.js backend could be initialised on device cuda:\\ntorch on cuda: .*${reason.replace(/\./g, '\\.')}[\\s\\S]*tensorflow-gpu: @tensorflow/tfjs-node-gpu not usable`));
    if (torch.available) await expect(initEngine({ backend: 'torch', device: 'cuda' })).rejects.toThrow(/Backend "torch" is not available: libtorch .* has no CUDA \(a CUDA build from pytorch.org/);
  });

  it('an explicit native backend that is not installed fails saying how to install it', async () => {
    await expect(initEngine({ backend: 'tensorflow' })).rejects.toThrow(/Backend "tensorflow" is not available[\s\S]*npm install @tensorflow\/tfjs-node/);
    await expect(initEngine({ backend: 'tensorflow-gpu' })).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('rejects an unknown backend or device with the list of choices, naming the setting', async () => {
    await expect(initEngine({ backend: 'cuda' as never })).rejects.toThrow(/Unknown backend "cuda". Choose one of: auto, tensorflow-gpu, torch, tensorflow, wasm, cpu/);
    await expect(initEngine({ device: 'gpu' as never })).rejects.toThrow(/Unknown device "gpu". Choose one of: auto, cpu, cuda/);
    process.env.CNNLAB_DEVICE = 'metal';
    await expect(initEngine()).rejects.toThrow(/Unknown CNNLAB_DEVICE "metal"/);
  });

  it('doctor names the engine, the optional packages, and how to install torch when it cannot load', async () => {
    const report = await doctor({ backend: 'wasm' });
    expect(report.engine.backend).toBe('wasm');
    expect(report.optionalPackages.map((p) => [p.name, p.installed])).toEqual([
      ['@cnnlab/backend-torch', report.optionalPackages[0]!.installed],
      ['@tensorflow/tfjs-node-gpu', false],
      ['@tensorflow/tfjs-node', false],
    ]);
    expect(report.torch.probe.available).toBe(torch.available);
    expect(report.torch.install).toEqual(torch.available ? [] : TORCH_INSTALL_LINES);
    // A CUDA build that sees no GPU is told about tfjs-node-gpu only, not to rebuild libtorch.
    expect(report.gpuAdvice.join(' ')).toMatch(report.torch.probe.cudaBuild ? /^tfjs-node-gpu/
      : /LIBTORCH=<its dir> npm rebuild @cnnlab\/backend-torch, then --device cuda[\s\S]*tfjs-node-gpu/);
  });
});
