import * as tf from '@tensorflow/tfjs';

/** What a backend that can capture steps reports of each kind of step (the torch backend's StepCapture). */
export interface CaptureStatus {
  key: string;
  state: 'recording' | 'replaying' | 'eager';
  calls?: number;
  replays: number;
  reason?: string;
}

/** Milliseconds per native op of one replayed step, averaged over the profiled replays. */
export interface ReplayProfile {
  key: string;
  replays: number;
  ops: { op: string; calls: number; ms: number }[];
}

interface CapturingBackend {
  runCaptured(key: string, inputs: tf.Tensor[], fn: () => tf.Tensor[]): tf.Tensor[];
  captureStatus(): CaptureStatus[];
  startCaptureProfile(): void;
  captureProfile(byShape?: boolean): ReplayProfile[];
}

function capturing(): CapturingBackend | null {
  if (process.env.CNNLAB_CAPTURE === '0') return null;
  const backend = tf.backend() as Partial<CapturingBackend>;
  return typeof backend.runCaptured === 'function' ? (backend as CapturingBackend) : null;
}

/**
 * Runs `fn`, a step repeated with same-shaped `inputs` (a training step), through the backend's step
 * capture where it has one (torch: the step's native calls are recorded on its first two runs and replayed
 * from then on, bit-identical to running it); elsewhere, or with CNNLAB_CAPTURE=0, just runs it. `key` names
 * the kind of step; everything `fn` computes besides its inputs and variables must follow from the key.
 */
export function captureStep(key: string, inputs: tf.Tensor[], fn: () => tf.Tensor[]): tf.Tensor[] {
  const backend = capturing();
  return backend ? backend.runCaptured(key, inputs, fn) : fn();
}

/** The step captures of the current backend (empty where it has none). */
export function captureStatus(): CaptureStatus[] {
  return capturing()?.captureStatus() ?? [];
}

/** Times every native call of the steps replayed while `run` runs; per-op (with `byShape`, per op and shapes) milliseconds per step, per kind of step. */
export function profileReplays(run: () => void, byShape = false): ReplayProfile[] {
  const backend = capturing();
  if (!backend) {
    run();
    return [];
  }
  backend.startCaptureProfile();
  let profile: ReplayProfile[] = [];
  try {
    run();
  } finally {
    profile = backend.captureProfile(byShape);
  }
  return profile;
}
