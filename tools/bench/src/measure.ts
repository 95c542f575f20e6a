import { captureStatus, captureStep, createModel, profileReplays, initEngine, resetTorchFallbackCounts, softmaxCrossEntropy, tf, torchFallbackCounts, type BackendChoice, type CaptureStatus } from '@cnnlab/core';
import { DEFAULT_OPTIMIZER, Optimizer, stepGradients } from '@cnnlab/trainer';
import type { BenchCase } from './cases.js';
import { clockSeconds, resolveClock, type BenchClock } from './clock.js';

export interface Measurement {
  backend: string;
  threads: number;
  /** Images per second of a training step (forward, backward, SGD update), median over the timed steps. */
  trainImagesPerSecond: number;
  inferImagesPerSecond: number;
  /** Peak tensor memory of one training step, weights included (torch: the native allocator's peak; else tf.profile's peakBytes). */
  peakTensorBytes: number;
  heapBytes: number | null;
  steps: number;
  /** The clock the steps were timed by (wall or process CPU time). */
  clock: BenchClock;
  /** torch only: kernel → calls that ran on the cpu fallback during the timed steps. */
  fallbacks?: Record<string, number>;
  /** torch only: whether the timed steps were replayed natively (step capture), or why not. */
  capture?: CaptureStatus;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A case's model, its trainable variables, a fixed input batch and its labels (class i % 10). */
function caseSetup(c: BenchCase) {
  const model = createModel(c.arch, { input: c.input, options: c.options });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const [ch, h, w] = c.input;
  const x = tf.randomNormal([c.batch, h, w, ch], 0, 1, 'float32', 1);
  const y = tf.tensor1d(Array.from({ length: c.batch }, (_, i) => i % 10), 'int32');
  const dispose = () => {
    tf.dispose([x, y]);
    model.dispose();
  };
  return { model, vars, x, y, dispose };
}

/** Times training and inference steps of one case on a backend (same step as the trainer: softmax cross-entropy, SGD). */
export async function measure(c: BenchCase, backend: BackendChoice, o: { steps: number; warmup: number; clock?: BenchClock }): Promise<Measurement> {
  const clock = o.clock ?? resolveClock(undefined);
  const engine = await initEngine({ backend });
  const { model, vars, x, y, dispose } = caseSetup(c);
  const classes = model.outputs[0]!.shape[1] as number;
  const optimizer = new Optimizer(DEFAULT_OPTIMIZER, vars);
  // The trainer's own step: forward and backward through the engine's step capture, then its SGD update.
  const train = () => {
    const [value, hits, ...grads] = stepGradients(model, x, y, classes, 1, vars);
    value!.dataSync();
    optimizer.apply(grads, 0.01);
    tf.dispose([value!, hits!]);
  };
  // Inference as the trainer's evaluation runs it: through the step capture (replayed natively on torch).
  const infer = () => {
    const [sum] = captureStep(`bench-infer/${model.id}`, [x], () => [tf.tidy(() => tf.sum(model.predict(x, { batchSize: c.batch }) as tf.Tensor))]);
    sum!.dataSync();
    sum!.dispose();
  };
  const time = (f: () => void) => {
    for (let i = 0; i < o.warmup; i++) f();
    const seconds: number[] = [];
    for (let i = 0; i < o.steps; i++) {
      const start = clockSeconds(clock);
      f();
      seconds.push(clockSeconds(clock) - start);
    }
    return c.batch / median(seconds);
  };
  await resetTorchFallbackCounts();
  const trainImagesPerSecond = time(train);
  const inferImagesPerSecond = time(infer);
  const capture = engine.backend === 'torch' ? captureStatus().find((s) => s.key.startsWith(`train/${model.id}/`)) : undefined;
  const peak = engine.backend === 'torch' ? nativePeak(train) : (await tf.profile(train)).peakBytes;
  const heap = engine.backend === 'wasm' ? ((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length) : null;
  const fallbacks = engine.backend === 'torch' ? Object.fromEntries(await torchFallbackCounts()) : undefined;
  optimizer.dispose();
  dispose();
  return {
    backend: engine.backend, threads: engine.threads, trainImagesPerSecond, inferImagesPerSecond, peakTensorBytes: peak, heapBytes: heap, steps: o.steps, clock,
    ...(fallbacks && { fallbacks }), ...(capture && { capture }),
  };
}

/** Peak bytes of live native tensors during one step, weights included (the torch backend's allocator counts them). */
function nativePeak(step: () => void): number {
  (tf.backend() as unknown as { native: { resetPeak(): void } }).native.resetPeak();
  step();
  return (tf.memory() as unknown as { nativePeakBytes: number }).nativePeakBytes;
}

export interface StepProfile {
  /** Milliseconds per kernel, largest first. */
  kernels: { kernel: string; calls: number; ms: number; share: number }[];
  /** Kernel calls in the step. */
  calls: number;
  /** torch only: kernel → calls that ran on the cpu fallback in the profiled step. */
  fallbacks: Record<string, number>;
}

/** Per-kernel milliseconds of one training step (tf.profile) and the fallbacks it hit; with `byShape`, one row per kernel and input shapes. */
export async function profileStep(c: BenchCase, o: { backend?: BackendChoice; byShape?: boolean } = {}): Promise<StepProfile> {
  await initEngine({ backend: o.backend ?? 'wasm' });
  const { model, vars, x, y, dispose } = caseSetup(c);
  const oneHot = tf.oneHot(y, 10);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(oneHot, model.apply(x, { training: true }) as tf.Tensor), vars);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  await resetTorchFallbackCounts();
  const info = await tf.profile(step);
  const fallbacks = Object.fromEntries(await torchFallbackCounts());
  const byKernel = new Map<string, { ms: number; calls: number }>();
  // Ops ending in __op and custom-gradient ops ("unnamed scope": batch norm's training op; "forward": the loss) wrap
  // kernels that are profiled themselves; count kernels only.
  const kernels = info.kernels.filter((k) => !k.name.endsWith('__op') && k.name !== 'unnamed scope' && k.name !== 'forward');
  for (const k of kernels) {
    const key = o.byShape ? `${k.name} ${JSON.stringify(k.inputShapes)}` : k.name;
    const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += k.kernelTimeMs as number;
    entry.calls++;
    byKernel.set(key, entry);
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b.ms, 0);
  oneHot.dispose();
  dispose();
  return {
    kernels: [...byKernel.entries()].map(([kernel, { ms, calls }]) => ({ kernel, calls, ms, share: ms / total })).sort((a, b) => b.ms - a.ms),
    calls: kernels.length, fallbacks,
  };
}

/** Per-op milliseconds of the trainer's step as the torch engine replays it (step capture); null when it is not replayed. */
export async function profileReplayedStep(c: BenchCase, o: { byShape?: boolean; replays?: number } = {}) {
  await initEngine({ backend: 'torch' });
  const { model, vars, x, y, dispose } = caseSetup(c);
  const step = () => tf.dispose(stepGradients(model, x, y, 10, 1, vars));
  for (let i = 0; i < 3; i++) step();
  const [profile] = profileReplays(() => { for (let i = 0; i < (o.replays ?? 10); i++) step(); }, o.byShape);
  dispose();
  if (!profile) return null;
  return { ...profile, calls: profile.ops.reduce((a, o) => a + o.calls, 0), ms: profile.ops.reduce((a, o) => a + o.ms, 0) };
}

/** The same for the evaluation step (the bench's inference: a whole-batch forward pass, captured and replayed). */
export async function profileReplayedInference(c: BenchCase, o: { byShape?: boolean; replays?: number } = {}) {
  await initEngine({ backend: 'torch' });
  const { model, x, dispose } = caseSetup(c);
  const infer = () => tf.dispose(captureStep(`bench-infer/${model.id}`, [x], () => [tf.tidy(() => tf.sum(model.predict(x, { batchSize: c.batch }) as tf.Tensor))]));
  for (let i = 0; i < 3; i++) infer();
  const [profile] = profileReplays(() => { for (let i = 0; i < (o.replays ?? 10); i++) infer(); }, o.byShape);
  dispose();
  if (!profile) return null;
  return { ...profile, calls: profile.ops.reduce((a, o) => a + o.calls, 0), ms: profile.ops.reduce((a, o) => a + o.ms, 0) };
}
