import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initEngine, tf } from '@cnnlab/core';
import type { TorchInfo } from './torch.js';

/**
 * The ceiling of the training-speed target: single kernels that neither side can
 * make faster by fusing or skipping work (a forward convolution, a matrix
 * product), timed on wasm's XNNPACK and in PyTorch on the same threads. A
 * network whose steps are made of these kernels cannot run closer to PyTorch
 * than these ratios.
 */
export type KernelCase =
  | { name: string; kind: 'conv'; batch: number; size: number; cin: number; cout: number; k: number; stride: number }
  | { name: string; kind: 'matmul'; m: number; k: number; n: number };

export const KERNEL_CASES: KernelCase[] = [
  { name: 'conv 3x3 64→64 @28 (ResNet body)', kind: 'conv', batch: 64, size: 28, cin: 64, cout: 64, k: 3, stride: 1 },
  { name: 'conv 3x3 256→256 @6 (ResNet stage 3)', kind: 'conv', batch: 64, size: 6, cin: 256, cout: 256, k: 3, stride: 1 },
  { name: 'conv 1x1 256→128 @12 (Inception reduce)', kind: 'conv', batch: 64, size: 12, cin: 256, cout: 128, k: 1, stride: 1 },
  { name: 'conv 11x11/4 1→96 @224 (AlexNet stem)', kind: 'conv', batch: 16, size: 224, cin: 1, cout: 96, k: 11, stride: 4 },
  { name: 'conv 5x5 6→16 @14 (LeNet)', kind: 'conv', batch: 256, size: 14, cin: 6, cout: 16, k: 5, stride: 1 },
  { name: 'matmul 16x6400·6400x4096 (AlexNet dense)', kind: 'matmul', m: 16, k: 6400, n: 4096 },
  { name: 'matmul 512x1024·1024x512', kind: 'matmul', m: 512, k: 1024, n: 512 },
];

/** Floating-point operations (2 per multiply-add) of one call. */
export function kernelFlops(c: KernelCase): number {
  if (c.kind === 'matmul') return 2 * c.m * c.k * c.n;
  const out = Math.ceil(c.size / c.stride);
  return 2 * c.batch * out * out * c.cout * c.k * c.k * c.cin;
}

export interface KernelRow { name: string; wasmGflops: number; torchGflops?: number; ratio?: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeWasm(c: KernelCase, reps: number): number {
  const [a, b] = c.kind === 'matmul'
    ? [tf.randomNormal([c.m, c.k], 0, 1, 'float32', 1), tf.randomNormal([c.k, c.n], 0, 1, 'float32', 2)]
    : [tf.randomNormal([c.batch, c.size, c.size, c.cin], 0, 1, 'float32', 1), tf.randomNormal([c.k, c.k, c.cin, c.cout], 0, 1, 'float32', 2)];
  const run = () => {
    const y = c.kind === 'matmul' ? tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D) : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, 'same');
    y.dataSync();
    y.dispose();
  };
  run();
  const seconds: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    run();
    seconds.push((performance.now() - start) / 1000);
  }
  tf.dispose([a, b]);
  return kernelFlops(c) / median(seconds) / 1e9;
}

const SCRIPT = fileURLToPath(new URL('../torch/kernels.py', import.meta.url));

function timeTorch(torch: TorchInfo, cases: KernelCase[], threads: number, reps: number): number[] {
  const out = execFileSync(torch.python, [SCRIPT, '--threads', String(threads), '--reps', String(reps), JSON.stringify(cases)], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as number[];
}

export async function measureCeiling(o: { torch: TorchInfo | null; reps: number; cases?: KernelCase[] }): Promise<{ threads: number; rows: KernelRow[] }> {
  const cases = o.cases ?? KERNEL_CASES;
  const { threads } = await initEngine({ backend: 'wasm' });
  const torch = o.torch ? timeTorch(o.torch, cases, threads, o.reps) : undefined;
  const rows = cases.map((c, i): KernelRow => {
    const wasmGflops = timeWasm(c, o.reps);
    const torchGflops = torch?.[i];
    return { name: c.name, wasmGflops, ...(torchGflops !== undefined && { torchGflops, ratio: wasmGflops / torchGflops }) };
  });
  return { threads, rows };
}

export function formatKernelRow(r: KernelRow): string {
  return [r.name.padEnd(42), r.wasmGflops.toFixed(1).padStart(8), (r.torchGflops?.toFixed(1) ?? '-').padStart(9), (r.ratio?.toFixed(2) ?? '-').padStart(6)].join(' ');
}

export const KERNEL_HEADER = ['kernel (forward, one call)'.padEnd(42), 'wasm GF/s'.padStart(8), 'torch GF/s'.padStart(9), 'ratio'.padStart(6)].join(' ');
