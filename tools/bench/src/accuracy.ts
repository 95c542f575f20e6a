/**
 * npm run accuracy -w @cnnlab/bench -- [--arch lenet] [--epochs 10] [--backend torch,wasm] [--seed 0]
 *
 * Trains one architecture with its d2l settings on full Fashion-MNIST on each engine, from the same seed,
 * and evaluates the best epoch's weights once on the test split: the engines should reach the same test
 * accuracy within run-to-run noise. Prints one line per engine (and JSON with --json <file>).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeEngine, initEngine, loadInstalledFamilies, validateBackend } from '@cnnlab/core';
import { evaluateRun, train } from '@cnnlab/trainer';

const { values } = parseArgs({ options: { arch: { type: 'string' }, epochs: { type: 'string' }, backend: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' } } });
const arch = values.arch ?? 'lenet';
const epochs = Number(values.epochs ?? 10);
const seed = Number(values.seed ?? 0);
const backends = (values.backend ?? 'torch,wasm').split(',').map((b) => validateBackend(b.trim(), '--backend'));
await loadInstalledFamilies();
const logdir = mkdtempSync(join(tmpdir(), 'cnnlab-accuracy-'));
const results = [];
try {
  for (const backend of backends) {
    const engine = describeEngine(await initEngine({ backend }));
    const started = performance.now();
    const { runDir, report } = await train({ arch, epochs, seed, logdir, name: `${arch}-${backend}`, backend });
    const test = await evaluateRun(runDir, { backend });
    const result = {
      arch, backend, engine, epochs, seed, bestEpoch: report.bestEpoch, valAcc: report.bestValAcc, testAcc: test.accuracy, testLoss: test.loss,
      finalTrainLoss: report.history.at(-1)?.trainLoss, seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    console.log(`${arch} ${epochs} epochs on ${engine}: test accuracy ${test.accuracy.toFixed(4)} (loss ${test.loss.toFixed(4)}), best epoch ${report.bestEpoch}, `
      + `val accuracy ${report.bestValAcc?.toFixed(4)}, final train loss ${result.finalTrainLoss?.toFixed(4)}, ${result.seconds.toFixed(0)} s`);
  }
} finally {
  rmSync(logdir, { recursive: true, force: true });
}
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
