/**
 * Training throughput with and without seeded augmentation, the trainer's own path: batches from a
 * BatchSource (gathered, augmented on the CPU, normalised, uploaded, resized), its step and its SGD.
 *
 *   npm run bench:augment -w @cnnlab/bench                      # ResNet-18 (d2l) at 96 px on torch, `strong,cutmix`
 *   npm run bench:augment -w @cnnlab/bench -- --data 28 --steps 20 --rounds 2 --augment standard
 *
 * `--data N` is the images' own size (N×N×channels, generated; default 96: augmentation works on full-size images, its
 * worst case); the model input stays 3×96×96. Rounds alternate plain and augmented and keep each side's best,
 * since load from others only slows a side down. `--no-prefetch` augments on the training thread. Prints img/s per side and the ratio (target ≥ 0.9).
 */
import '@cnnlab/arch-resnet';
import '@cnnlab/arch-lenet';
import { parseArgs } from 'node:util';
import { captureStatus, createModel, initEngine, tf, type BackendChoice } from '@cnnlab/core';
import {
  BatchSource, computeNormalization, DEFAULT_OPTIMIZER, Optimizer, stepGradients, trainingBatches, type Dataset,
} from '@cnnlab/trainer';

export interface AugmentBenchOptions {
  arch: string;
  backend: BackendChoice;
  /** The generated images' side (pixels). */
  data: number;
  input: [number, number, number];
  batch: number;
  steps: number;
  warmup: number;
  rounds: number;
  augment: string;
  /** Augment the next batch in the trainer's prefetch thread, as training does (default true). */
  prefetch?: boolean;
}

export interface AugmentBenchResult {
  backend: string;
  threads: number;
  plain: number;
  augmented: number;
  /** augmented / plain images per second. */
  ratio: number;
  /** Milliseconds per batch spent making the augmented batch (gather, augment, normalise, upload, resize), median. */
  augmentedBatchMs: number;
  plainBatchMs: number;
  /** Per side: whether its step was replayed natively (step capture), eager, or the engine has no capture. */
  capture: { plain: string; augmented: string };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Deterministic noisy images with a class-dependent bright square, so the augmentation ops have something to move. */
function generatedDataset(count: number, side: number, channels: number): Dataset {
  const per = side * side * channels;
  const images = new Uint8Array(count * per);
  const labels = new Uint8Array(count);
  let s = 12345;
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    const x0 = (labels[i]! * 7) % Math.max(1, side - side / 4);
    for (let p = 0; p < per; p++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const x = Math.floor(p / channels) % side;
      images[i * per + p] = (s >>> 24) / 2 + (x >= x0 && x < x0 + side / 4 ? 120 : 0);
    }
  }
  return { name: `generated-${side}px`, images, labels, count, height: side, width: side, channels, classes: Array.from({ length: 10 }, (_, c) => `c${c}`), source: 'bench' };
}

export async function benchAugmentation(o: AugmentBenchOptions): Promise<AugmentBenchResult> {
  const engine = await initEngine({ backend: o.backend });
  const dataset = generatedDataset(o.batch * (o.steps + o.warmup), o.data, o.input[0]);
  const all = Array.from({ length: dataset.count }, (_, i) => i);
  const source = new BatchSource(dataset, all, { inputShape: o.input, normalization: computeNormalization(dataset, all), batchSize: o.batch });
  // One model per side: a mixing plan feeds soft targets, a step of its own kind that the engine captures separately.
  const trainer = (spec: string) => {
    const model = createModel(o.arch, { input: o.input, classes: 10, seed: 1 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    return { model, vars, optimizer: new Optimizer(DEFAULT_OPTIMIZER, vars), batches: trainingBatches(source, spec, 0, 10, { prefetch: o.prefetch ?? true }) };
  };
  const sides = { plain: trainer('off'), augmented: trainer(o.augment) };
  const order = source.epochOrder(0, 0);
  const run = (side: keyof typeof sides) => {
    const { model, vars, optimizer, batches } = sides[side];
    const stepSeconds: number[] = [], batchMs: number[] = [];
    for (let i = 0; i < o.warmup + o.steps; i++) {
      const start = performance.now();
      const { x, y } = batches.batch(order, i * o.batch, o.batch, 0);
      const made = performance.now();
      const [loss, hits, ...grads] = stepGradients(model, x, y, 10, 1, vars);
      loss!.dataSync();
      optimizer.apply(grads, 0.01);
      tf.dispose([x, y, loss!, hits!]);
      if (i >= o.warmup) {
        stepSeconds.push((performance.now() - start) / 1000);
        batchMs.push(made - start);
      }
    }
    return { imagesPerSecond: o.batch / median(stepSeconds), batchMs: median(batchMs) };
  };
  const best = { plain: { imagesPerSecond: 0, batchMs: Infinity }, augmented: { imagesPerSecond: 0, batchMs: Infinity } };
  for (let r = 0; r < o.rounds; r++) {
    for (const side of ['plain', 'augmented'] as const) {
      const m = run(side);
      if (m.imagesPerSecond > best[side].imagesPerSecond) best[side] = m;
    }
  }
  const captureOf = (side: keyof typeof sides) => {
    const mine = captureStatus().filter((c) => c.key.startsWith(`train/${sides[side].model.id}/`));
    return mine.length ? mine.map((c) => c.state).join('+') : 'none';
  };
  const capture = { plain: captureOf('plain'), augmented: captureOf('augmented') };
  for (const { model, optimizer, batches } of Object.values(sides)) {
    batches.close?.();
    optimizer.dispose();
    model.dispose();
  }
  return {
    backend: engine.backend, threads: engine.threads, plain: best.plain.imagesPerSecond, augmented: best.augmented.imagesPerSecond,
    ratio: best.augmented.imagesPerSecond / best.plain.imagesPerSecond, augmentedBatchMs: best.augmented.batchMs, plainBatchMs: best.plain.batchMs, capture,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string', default: 'resnet18-d2l' }, backend: { type: 'string', default: 'torch' }, data: { type: 'string', default: '96' },
      batch: { type: 'string', default: '64' }, steps: { type: 'string', default: '12' }, warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '2' }, augment: { type: 'string', default: 'strong,cutmix' }, 'no-prefetch': { type: 'boolean', default: false },
    },
  });
  const o: AugmentBenchOptions = {
    arch: values.arch, backend: values.backend as BackendChoice, data: Number(values.data), input: [3, 96, 96], batch: Number(values.batch),
    steps: Number(values.steps), warmup: Number(values.warmup), rounds: Number(values.rounds), augment: values.augment, prefetch: !values['no-prefetch'],
  };
  const r = await benchAugmentation(o);
  console.log(`${o.arch} @ 3x96x96, data ${o.data}x${o.data}x3, batch ${o.batch}, ${o.steps} timed steps (+${o.warmup} warm-up) x ${o.rounds} rounds, ${r.backend} on ${r.threads} threads, augmentation ${o.prefetch ? 'in the prefetch thread' : 'on the training thread'}`);
  console.log('side        augment              img/s   batch prep ms   step');
  console.log(`plain       ${'off'.padEnd(20)} ${r.plain.toFixed(1).padStart(6)}   ${r.plainBatchMs.toFixed(1).padStart(8)}        ${r.capture.plain}`);
  console.log(`augmented   ${o.augment.padEnd(20)} ${r.augmented.toFixed(1).padStart(6)}   ${r.augmentedBatchMs.toFixed(1).padStart(8)}        ${r.capture.augmented}`);
  console.log(`ratio augmented/plain: ${r.ratio.toFixed(3)} (target >= 0.9)`);
  // On a loaded machine the two sides' step times wander; augmentation's own cost is the extra batch preparation.
  const plainStepMs = (o.batch / r.plain) * 1000;
  const extra = r.augmentedBatchMs - r.plainBatchMs;
  console.log(`augmentation's own cost: ${extra.toFixed(1)} ms per batch = ${((100 * extra) / plainStepMs).toFixed(1)}% of a plain step (${plainStepMs.toFixed(0)} ms): ratio ${(plainStepMs / (plainStepMs + extra)).toFixed(3)} from it alone`);
}
