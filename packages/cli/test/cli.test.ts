import { mkdtempSync, readdirSync, rmSync, writeFileSync, truncateSync, statSync, copyFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng, loadDataset } from '@cnnlab/trainer';
import { probeTorchEngine, TORCH_INSTALL_LINES } from '@cnnlab/core';
import { curvesUrl, engineMessage, QUICKSTART_EPOCHS, quickstartEpochs } from '../src/commands/quickstart.js';
import { cnnlab } from './run-cli.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cnnlab-cli-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cnnlab', () => {
  it('lists every family with its models', async () => {
    const { out } = await cnnlab('list');
    for (const name of ['lenet', 'bn-lenet', 'alexnet-d2l', 'vgg11-d2l', 'nin', 'googlenet-d2l', 'resnet18-d2l', 'resnext50_32x4d', 'densenet-d2l', 'regnetx32-d2l', 'regnet_x_400mf']) {
      expect(out).toMatch(new RegExp(`^${name}\\s`, 'm'));
    }
  });

  it('summarises d2l ResNet-18 by stage as the course shows', async () => {
    const { out } = await cnnlab('summary', 'resnet18-d2l', '--depth', '1');
    expect(out.match(/^(stem|stage\d|head)\s+Block\s+(\S+)/gm)!.map((l) => l.split(/\s+/)[2])).toEqual(['64x24x24', '64x24x24', '128x12x12', '256x6x6', '512x3x3', '10']);
    expect(out).toMatch(/trainable 11,178,378/);
  });

  it('compares the course\'s architectures side by side', async () => {
    const { out, code } = await cnnlab('complexity', 'lenet', 'alexnet', 'vgg11', 'nin', 'googlenet', 'resnet18', 'densenet', 'regnetx32', '--sort', 'macs');
    expect(code).toBe(0);
    for (const name of ['lenet', 'alexnet', 'vgg11', 'nin', 'googlenet', 'resnet18', 'densenet-d2l', 'regnetx32-d2l']) expect(out).toMatch(new RegExp(`^${name}\\s`, 'm'));
    expect(out).toMatch(/^vgg11\s+3x224x224\s+132\.86 M/m);
  });

  it('doctor names the wasm backend and its threads', async () => {
    const threads = Math.min(availableParallelism(), 8);
    const { out } = await cnnlab('--threads', String(threads), 'doctor');
    expect(out).toMatch(new RegExp(`backend:\\s+wasm \\(SIMD, ${threads} threads?\\)`));
    expect(out).toMatch(new RegExp(`threads:\\s+${threads} \\(wasm worker threads; set with --threads or CNNLAB_THREADS\\)`));
  });

  it('takes --backend and --device before or after the command, and rejects combinations that cannot work', async () => {
    const saved = { backend: process.env.CNNLAB_BACKEND, device: process.env.CNNLAB_DEVICE };
    try {
      const { out } = await cnnlab('doctor', '--backend', 'wasm', '--device', 'cpu');
      expect(out).toMatch(/^backend:\s+wasm \(SIMD/m);
      expect(out).toMatch(/^device:\s+cpu$/m);
      expect((await cnnlab('--backend', 'wasm', '--device', 'cuda', 'doctor')).err)
        .toMatch(/--device cuda: the wasm engine runs on the CPU only; CUDA needs --backend torch with a CUDA build of libtorch/);
      expect((await cnnlab('train', '--backend', 'pytorch')).err).toMatch(/option '--backend <name>' argument 'pytorch' is invalid. Allowed choices are auto, tensorflow-gpu, torch, tensorflow, wasm, cpu/);
      expect((await cnnlab('--device', 'gpu', 'list')).err).toMatch(/argument 'gpu' is invalid. Allowed choices are auto, cpu, cuda/);
    } finally {
      for (const [k, v] of [['CNNLAB_BACKEND', saved.backend], ['CNNLAB_DEVICE', saved.device]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('doctor says whether torch loads: its libtorch, or why not and the exact install lines', async () => {
    const probe = await probeTorchEngine();
    const { out } = await cnnlab('doctor');
    if (probe.available) {
      expect(out).toContain(`torch:     usable: libtorch ${probe.libtorchVersion}, ${probe.cuda ? 'with CUDA' : probe.cudaBuild ? 'CUDA build, on the CPU' : 'CPU only'} (addon ${probe.addonPath})`);
      expect(out).not.toMatch(/^torch:\s+not usable/m);
      expect(out).toContain(`cuda:      ${probe.cudaNote}`);
    } else {
      expect(out).toContain(`torch:     not usable: ${probe.reason!.split('\n')[0]}`);
      for (const line of TORCH_INSTALL_LINES) expect(out).toContain(line);
    }
  });

  it('quickstart names the engine it trains on and the faster ones it skipped', () => {
    const base = { requested: 'auto' as const, packageName: 'x', tfjsVersion: '4', simd: null, gpu: false, device: 'cpu' as const };
    expect(engineMessage({ ...base, backend: 'torch', threads: 2, libtorchVersion: '1.13.1', skipped: ['tensorflow-gpu: @tensorflow/tfjs-node-gpu not usable (no)'] }))
      .toBe('Training on torch (libtorch 1.13.1, 2 threads).');
    expect(engineMessage({ ...base, backend: 'wasm', simd: true, threads: 2, skipped: ['torch on cpu: @cnnlab/backend-torch not usable (libtorch not found)'] }))
      .toBe('Training on wasm (SIMD, 2 threads).\nFaster engines skipped: torch on cpu: @cnnlab/backend-torch not usable (libtorch not found).\nRun `cnnlab doctor` for the lines that install them.');
  });

  it('quickstart trains ten epochs on torch, a short run elsewhere that says so, and the user\'s --epochs as given', () => {
    expect(quickstartEpochs({ backend: 'torch' })).toEqual({ epochs: 10 });
    const wasm = quickstartEpochs({ backend: 'wasm' });
    expect(wasm.epochs).toBe(QUICKSTART_EPOCHS.fallback);
    expect(wasm.epochs).toBeLessThan(10);
    expect(wasm.note).toMatch(/^A short run of 3 epochs on the wasm engine .*too few to show overfitting.*trains 10/);
    expect(quickstartEpochs({ backend: 'wasm' }, 8)).toEqual({ epochs: 8 });
    expect(quickstartEpochs({ backend: 'torch' }, 2)).toEqual({ epochs: 2 });
  });

  it('quickstart opens the dashboard on its run\'s curves', () => {
    expect(curvesUrl('http://127.0.0.1:6006/', 'runs', join('runs', 'bn-lenet-20261207-100000'))).toBe('http://127.0.0.1:6006/#/curves?runs=bn-lenet-20261207-100000');
    expect(curvesUrl('http://127.0.0.1:6006', '/tmp/logs', '/tmp/logs/group/a b')).toBe('http://127.0.0.1:6006/#/curves?runs=group%2Fa%20b');
  });

  it('rejects a --threads it cannot honour', async () => {
    expect((await cnnlab('--threads', '9', 'doctor')).err).toMatch(/--threads must be a whole number from 1 to 8, got "9"/);
    expect((await cnnlab('--threads', 'two', 'list')).err).toMatch(/--threads must be a whole number from 1 to 8, got "two"/);
  });

  it('fails clearly on bad input', async () => {
    expect((await cnnlab('train', '--lr', '-1')).err).toMatch(/--lr must be a number > 0, got "-1"/);
    expect((await cnnlab('train', '--arch', 'resnet19', '--logdir', dir)).err).toMatch(/Unknown architecture "resnet19". Did you mean: resnet18/);
    expect((await cnnlab('train', '--split', '70/20/20', '--logdir', dir)).err).toMatch(/split fractions must sum to 1/);
    expect((await cnnlab('train', '--augment', 'crop:4,blur', '--logdir', dir)).err).toMatch(/augment "crop:4,blur": token "blur" is not an augmentation op or preset/);
    expect((await cnnlab('summary', 'lenet', '--input', '1,8,8')).err).toMatch(/cannot take input/);
    expect((await cnnlab('evaluate', join(dir, 'nope'))).err).toMatch(/Run directory not found: .*nope/);
  });

  describe('a run from the command line', () => {
    let run: string;
    beforeAll(async () => {
      const { code, out } = await cnnlab('train', '--arch', 'bn-lenet', '--epochs', '2', '--limit', '600', '--lr', '0.5', '--logdir', dir, '--name', 'cli-run', '--test');
      expect(code, out).toBe(0);
      run = join(dir, 'cli-run');
    });

    it('is listed by runs and diagnosed', async () => {
      expect((await cnnlab('runs', '--logdir', dir)).out).toMatch(/^cli-run\s+bn-lenet\s+finished\s+seeded\s+2\/2/m);
      expect((await cnnlab('diagnose', run)).out).toMatch(/status: (insufficient-data|still-improving|good-fit|inconclusive|overfitting|underfitting)/);
    });

    it('refuses a second test evaluation, evaluates other splits', async () => {
      expect((await cnnlab('evaluate', run)).err).toMatch(/already evaluated/);
      const { out } = await cnnlab('evaluate', run, '--split', 'val');
      expect(out).toMatch(/val split \(120 images\), best weights of epoch \d: loss [\d.]+, accuracy [\d.]+/);
      expect(out).toMatch(/confusion matrix/);
    });

    it('classifies PNG files', async () => {
      const data = loadDataset({ name: 'fashion-mnist' });
      const png = join(dir, 'trouser.png');
      const i = data.labels.indexOf(1);
      writeFileSync(png, encodePng(data.images.subarray(i * 784, (i + 1) * 784), 28, 28, 1));
      const { out, code } = await cnnlab('predict', run, png);
      expect(code).toBe(0);
      expect(out).toMatch(/trouser\.png: \S.* \(\d+\.\d%\)/);
    });

    it('prints its events, and the damage of a truncated copy', async () => {
      const { out } = await cnnlab('events', run, '--tag', 'val/loss');
      expect(out.match(/^val\/loss\tstep \d/gm)).toHaveLength(2);
      expect(out).toMatch(/No damage found/);
      const file = readdirSync(run).find((f) => f.startsWith('events.out.tfevents'))!;
      const copy = join(dir, 'cut.tfevents');
      copyFileSync(join(run, file), copy);
      truncateSync(copy, statSync(copy).size - 5);
      const damaged = await cnnlab('events', copy, '--json');
      expect(JSON.parse(damaged.out).damage[0].kind).toBe('truncated');
    });
  });
});
