// The prefetch thread: augments the batch the training thread will ask for next (see prefetch.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { gatherAugmented, type ImageSource } from './gather.js';
import { Augmenter } from './pipeline.js';
import type { AugmentPlan } from './spec.js';
import { DONE, FAILED, type PrefetchShared } from './prefetch-shared.js';

const init = workerData as { data: ImageSource; lut: Float32Array; plan: AugmentPlan; seed: number; fill: number[]; classes: number; shared: PrefetchShared };
const augmenter = new Augmenter(init.plan, init.seed, init.fill);
const control = new Int32Array(init.shared.control);
const pixels = new Float32Array(init.shared.pixels);
const labels = new Int32Array(init.shared.labels);
const targets = new Float32Array(init.shared.targets);

parentPort!.on('message', ({ indices, epoch }: { indices: Uint32Array; epoch: number }) => {
  try {
    const g = gatherAugmented(init.data, init.lut, augmenter, init.classes, indices, 0, indices.length, epoch);
    pixels.set(g.pixels);
    labels.set(g.labels);
    if (g.targets) targets.set(g.targets);
    control[1] = g.n;
    control[2] = g.targets ? 1 : 0;
    Atomics.store(control, 0, DONE);
  } catch {
    Atomics.store(control, 0, FAILED); // the training thread then augments this batch itself, with the same result
  }
  Atomics.notify(control, 0);
});
