import * as tf from '@tensorflow/tfjs';
import type { TorchBackend } from './backend.js';
import type { Handle, ProgramHandle } from './native.js';

/** What the capture of one kind of step has come to. */
export interface CaptureStatus {
  key: string;
  /** recording: eager runs so far (two are compared before any replay); replaying; eager: not replayable, and why. */
  state: 'recording' | 'replaying' | 'eager';
  /** ATen calls of the recorded step. */
  calls?: number;
  replays: number;
  reason?: string;
  /** Recordings started over because the set of variables changed between runs. */
  restarts?: number;
}

const MAX_RESTARTS = 3;

interface Entry {
  status: CaptureStatus;
  program?: ProgramHandle;
  /** The variables the step read, in the program's input order after the explicit inputs. */
  variables: tf.Variable[];
  /** While profiling: milliseconds per call, summed over the profiled replays. */
  timings?: Float64Array & { replays: number };
}

/** Milliseconds per ATen op over the profiled replays of one step, per replay. */
export interface ReplayProfile {
  key: string;
  replays: number;
  ops: { op: string; calls: number; ms: number }[];
}

/**
 * Step capture: a function run many times with the same shapes (a training step) is run eagerly twice while
 * the addon records its ATen calls. When both recordings are the same calls on the same constants, later
 * runs replay the recording natively in one call, with the new inputs and the variables' current values:
 * the same ATen calls in the same order, so the same results bit for bit, without tfjs's per-kernel work
 * in JavaScript in between. Variables the step assigns (batch norm's moving averages) are assigned the
 * replay's results. A step that reads a tensor into JavaScript, draws random numbers in JavaScript, or
 * changes between its first two runs stays eager.
 */
export class StepCapture {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly backend: TorchBackend) {}

  private profiling = false;

  /** Starts timing every call of every replay (profile() reads the result); resets earlier timings. */
  startProfiling(): void {
    this.profiling = true;
    for (const entry of this.entries.values()) delete entry.timings;
  }

  /** Per-op milliseconds of each replayed step since startProfiling(), averaged per replay (with `byShape`, per op and argument shapes); stops profiling. */
  profile(byShape = false): ReplayProfile[] {
    this.profiling = false;
    const out: ReplayProfile[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.timings || !entry.program) continue;
      const names = this.backend.native.programCalls(entry.program, byShape);
      const replays = entry.timings.replays;
      const byOp = new Map<string, { op: string; calls: number; ms: number }>();
      names.forEach((op, i) => {
        const row = byOp.get(op) ?? { op, calls: 0, ms: 0 };
        row.calls++;
        row.ms += entry.timings![i]! / replays;
        byOp.set(op, row);
      });
      out.push({ key: entry.status.key, replays, ops: [...byOp.values()].sort((a, b) => b.ms - a.ms) });
    }
    return out;
  }

  status(): CaptureStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status }));
  }

  run(key: string, inputs: tf.Tensor[], fn: () => tf.Tensor[]): tf.Tensor[] {
    const fullKey = `${key}|${inputs.map((t) => `${t.dtype}[${t.shape}]`).join(',')}`;
    let entry = this.entries.get(fullKey);
    if (entry?.status.state === 'replaying' && entry.variables.some((v) => v.isDisposed)) {
      this.entries.delete(fullKey);
      entry = undefined;
    }
    if (entry?.status.state === 'replaying') return this.replay(entry, inputs);
    if (entry?.status.state === 'eager') return fn();
    return this.record(fullKey, entry, inputs, fn);
  }

  /** Forgets the steps of disposed models (their programs hold constants in native memory). */
  private purge(): void {
    for (const [key, entry] of this.entries) if (entry.variables.some((v) => v.isDisposed)) this.entries.delete(key);
  }

  private record(key: string, entry: Entry | undefined, inputs: tf.Tensor[], fn: () => tf.Tensor[]): tf.Tensor[] {
    this.purge();
    const native = this.backend.native;
    const variables = Object.values(tf.engine().state.registeredVariables).filter((v) => !v.isDisposed && this.backend.data.has(v.dataId));
    native.recordBegin([...inputs, ...variables].map((t) => this.backend.handle(t)));
    let result: tf.Tensor[];
    try {
      result = fn();
    } catch (error) {
      native.recordAbort();
      throw error;
    }
    const recorded = native.recordEnd([...result, ...variables].map((t) => this.backend.handle(t)));
    const status: CaptureStatus = entry?.status ?? { key, state: 'recording', replays: 0 };
    if (typeof recorded === 'string') {
      this.entries.set(key, { status: { ...status, state: 'eager', reason: recorded }, variables });
      return result;
    }
    status.calls = native.programInfo(recorded).calls;
    if (!entry?.program) {
      this.entries.set(key, { status, program: recorded, variables });
      return result;
    }
    const sameVariables = entry.variables.length === variables.length && entry.variables.every((v, i) => v === variables[i]);
    if (!sameVariables && (status.restarts = (status.restarts ?? 0) + 1) <= MAX_RESTARTS) {
      // Variables were made or freed since the last run (a model built lazily on its first step): start over.
      this.entries.set(key, { status, program: recorded, variables });
      return result;
    }
    const difference = sameVariables ? native.sameProgram(entry.program, recorded) : 'the variables changed from run to run';
    this.entries.set(key, difference
      ? { status: { ...status, state: 'eager', reason: `its first two runs differ (as when dropout draws new masks each step): ${difference}` }, variables }
      : { status: { ...status, state: 'replaying' }, program: recorded, variables });
    return result;
  }

  private replay(entry: Entry, inputs: tf.Tensor[]): tf.Tensor[] {
    const b = this.backend;
    const variableHandles = entry.variables.map((v) => b.handle(v));
    if (this.profiling && !entry.timings) entry.timings = Object.assign(new Float64Array(entry.status.calls!), { replays: 0 });
    const outputs = b.native.replay(entry.program!, [...inputs.map((t) => b.handle(t)), ...variableHandles], this.profiling ? entry.timings : undefined);
    if (this.profiling) entry.timings!.replays++;
    entry.status.replays++;
    const results = outputs.length - entry.variables.length;
    entry.variables.forEach((v, i) => {
      const handle = outputs[results + i]!;
      if (b.native.sameTensor(handle, variableHandles[i]!)) {
        b.native.dispose(handle);
        return;
      }
      const value = wrap(b, handle);
      v.assign(value);
      value.dispose();
    });
    return outputs.slice(0, results).map((h) => wrap(b, h));
  }
}

function wrap(b: TorchBackend, handle: Handle): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(b.makeOutput(handle), b);
}
