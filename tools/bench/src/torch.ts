import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from './cases.js';
import type { BenchClock } from './clock.js';

const SCRIPT = fileURLToPath(new URL('../torch/bench.py', import.meta.url));
/** Debian's python3-torch lives in the system interpreter, not in a pyenv/venv python on PATH. */
const PYTHONS = ['/usr/bin/python3', 'python3'];

export interface TorchInfo { python: string; version: string; openblasPthread: boolean }

/** The Python that imports torch, or null when PyTorch is not installed (the benchmark then skips it). */
export function findTorch(): TorchInfo | null {
  for (const python of PYTHONS) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) {
      return { python, version: probe.stdout.trim(), openblasPthread: existsSync('/usr/lib/x86_64-linux-gnu/openblas-pthread') };
    }
  }
  return null;
}

/** PyTorch at its best: the faster of NCHW and channels_last per metric (which one won in trainFormat/inferFormat). */
export interface TorchMeasurement {
  train: number; infer: number; params: number; threads: number;
  clock?: BenchClock; trainFormat?: string; inferFormat?: string; formats?: Record<string, { train: number; infer: number }>;
  /** FLOPs of one image's forward pass (convolutions and dense layers, 2 per multiply-add). */
  flops?: number;
}

/** The machine's peak GFLOP/s as PyTorch reaches it in this run: a 3x3 256→256 conv at 28x28 batch 32 (oneDNN), a 1024³ sgemm. */
export interface MachinePeak { conv: number; sgemm: number }

const KERNELS = fileURLToPath(new URL('../torch/kernels.py', import.meta.url));

export function measurePeak(torch: TorchInfo, threads: number, reps = 3): MachinePeak {
  const out = execFileSync(torch.python, [KERNELS, '--peak', '--threads', String(threads), '--reps', String(reps)], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: process.env.CNNLAB_BLAS_THREADS ?? '1' },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as MachinePeak;
}

/** Training GFLOP/s at a throughput: forward, input gradient and filter gradient, ~3x the forward's FLOPs. */
export function trainGflops(imagesPerSecond: number, forwardFlops: number): number {
  return 3 * forwardFlops * imagesPerSecond / 1e9;
}

export function measureTorch(torch: TorchInfo, c: BenchCase, o: { threads: number; steps: number; warmup: number; clock?: BenchClock }): TorchMeasurement {
  const out = execFileSync(torch.python, [SCRIPT, '--model', c.torch, '--input', c.input.join(','), '--batch', String(c.batch),
    '--threads', String(o.threads), '--steps', String(o.steps), '--warmup', String(o.warmup), '--clock', o.clock ?? 'wall'], {
    encoding: 'utf8',
    // The torch engine runs matrix products on one OpenBLAS thread beside its OpenMP threads; PyTorch gets the same,
    // which is also its faster and steadier setting on 2 cores (bn-lenet: 3.5k or 21k img/s from run to run without it).
    env: { ...process.env, OMP_NUM_THREADS: String(o.threads), OPENBLAS_NUM_THREADS: process.env.CNNLAB_BLAS_THREADS ?? '1' },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as TorchMeasurement;
}
