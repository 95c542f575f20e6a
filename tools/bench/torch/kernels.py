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


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('cases')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(json.dumps([gflops(c, a.reps) for c in json.loads(a.cases)]))


if __name__ == '__main__':
    main()
