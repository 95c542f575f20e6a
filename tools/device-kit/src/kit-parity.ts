// The kernel parity grid of @cnnlab/backend-torch (test/parity-cases.ts) as a
// script for the device kit: every case on torch (on --device, cuda by default)
// against tfjs's cpu backend. Prints one line per case and, last, a JSON line
// { cases, passed, failed, worst, device, libtorchVersion }; exits 1 when a case fails.
import './kit-addon-path.js';
import * as tf from '@tensorflow/tfjs';
import { registerTorchBackend, resetTorchFallbacks, torchFallbacks } from '@cnnlab/backend-torch';
import { CASES, runCase } from '../../../packages/backend-torch/test/parity-cases.js';
import { maxRelError } from '../../../packages/backend-torch/test/tensors.js';

/** The parity test's bound (parity.test.ts). */
const TOLERANCE = 1e-5;

const at = process.argv.indexOf('--device');
const device = (at > 0 ? process.argv[at + 1] : 'cuda') as 'cpu' | 'cuda';
if (device !== 'cpu' && device !== 'cuda') throw new Error(`parity-grid: --device must be cpu or cuda, got ${device}`);

const info = await registerTorchBackend({ device });
let passed = 0;
let worst = 0;
const failed: string[] = [];
for (const [name, run] of CASES) {
  let line: string;
  try {
    await tf.setBackend('cpu');
    const reference = runCase(run);
    await tf.setBackend('torch');
    resetTorchFallbacks();
    const torch = runCase(run);
    const fallbacks = [...torchFallbacks().keys()].filter((k) => k !== 'ResizeNearestNeighbor');
    const sameShapes = JSON.stringify(torch.shapes) === JSON.stringify(reference.shapes);
    const error = sameShapes ? Math.max(...torch.values.map((v, i) => maxRelError(v, reference.values[i]!))) : Infinity;
    worst = Math.max(worst, error);
    const ok = sameShapes && error < TOLERANCE && fallbacks.length === 0;
    line = `${ok ? 'ok  ' : 'FAIL'} ${error.toExponential(2)} ${name}${sameShapes ? '' : ' (shapes differ)'}${fallbacks.length ? ` (fell back: ${fallbacks.join(', ')})` : ''}`;
    if (ok) passed++;
    else failed.push(name);
  } catch (error) {
    line = `FAIL ${name}: ${(error as Error).message.split('\n')[0]}`;
    failed.push(name);
  }
  console.log(line);
}
console.log(JSON.stringify({ cases: CASES.length, passed, failed, worst, device: info.device, libtorchVersion: info.libtorchVersion }));
process.exitCode = failed.length ? 1 : 0;
