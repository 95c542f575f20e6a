"""PyTorch side of the benchmark's kernel ceiling: GFLOP/s of single forward
convolutions and matrix products, the same cases as src/ceiling.ts."""
import argparse
import json

import torch

from bench import median_seconds


def gflops(case, reps):
    if case['kind'] == 'matmul':
        a, b = torch.randn(case['m'], case['k']), torch.randn(case['k'], case['n'])
        run = lambda: a @ b
        flops = 2 * case['m'] * case['k'] * case['n']
    else:
        x = torch.randn(case['batch'], case['cin'], case['size'], case['size'])
        w = torch.randn(case['cout'], case['cin'], case['k'], case['k'])
        s, k = case['stride'], case['k']
        # 'same' padding as tfjs computes it (extra row/column at the bottom/right).
        out = -(-case['size'] // s)
        total = max((out - 1) * s + k - case['size'], 0)
        pad = (total // 2, total - total // 2, total // 2, total - total // 2)
        run = lambda: torch.nn.functional.conv2d(torch.nn.functional.pad(x, pad), w, stride=s)
        flops = 2 * case['batch'] * out * out * case['cout'] * k * k * case['cin']
    with torch.no_grad():
        return flops / median_seconds(run, 1, reps) / 1e9


def peak(reps, device='cpu'):
    """The machine's peak as PyTorch reaches it: a 3x3 256->256 convolution at 28x28, batch 32 (oneDNN on CPU,
    channels_last), and a 1024^3 sgemm (OpenBLAS or MKL). GFLOP/s."""
    x = torch.randn(32, 256, 28, 28, device=device).contiguous(memory_format=torch.channels_last)
    w = torch.randn(256, 256, 3, 3, device=device).contiguous(memory_format=torch.channels_last)
    a, b = torch.randn(1024, 1024, device=device), torch.randn(1024, 1024, device=device)
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    with torch.no_grad():
        conv = 2 * 32 * 28 * 28 * 256 * 256 * 9 / median_seconds(lambda: (torch.nn.functional.conv2d(x, w, padding=1), sync()), 1, reps) / 1e9
        gemm = 2 * 1024 ** 3 / median_seconds(lambda: (a @ b, sync()), 1, reps) / 1e9
    return {'conv': conv, 'sgemm': gemm}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--peak', action='store_true', help='print the peak conv and sgemm GFLOP/s instead')
    p.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    p.add_argument('cases', nargs='?', default='[]')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.peak:
        print(json.dumps(peak(a.reps, a.device)))
        return
    print(json.dumps([gflops(c, a.reps) for c in json.loads(a.cases)]))


if __name__ == '__main__':
    main()
