import * as tf from '@tensorflow/tfjs';
import { StepCapture, type CaptureStatus, type ReplayProfile } from './capture.js';
import type { Handle, TorchNative } from './native.js';

type DataType = tf.DataType;
type BackendValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];

/** What the backend stores per tfjs dataId: a contiguous native tensor in tfjs's logical shape (strings stay in JS). */
export interface TorchData {
  handle: Handle | null;
  strings?: Uint8Array[];
  shape: number[];
  dtype: DataType;
  refCount: number;
  /** MaxPool keeps its argmax indices with its output, for MaxPoolGrad. */
  poolIndices?: Handle;
}

/**
 * tfjs KernelBackend 'torch': tensor data lives in libtorch's memory (no 4 GB
 * wasm heap cap), kernels compose ATen ops (kernels/*.ts).
 */
export class TorchBackend extends tf.KernelBackend {
  readonly data: tf.DataStorage<TorchData>;
  private readonly capture = new StepCapture(this);

  constructor(readonly native: TorchNative, readonly device: 'cpu' | 'cuda') {
    super();
    this.data = new tf.DataStorage<TorchData>(this, tf.engine());
  }

  /** Runs `fn`, a step repeated with same-shaped inputs, eagerly until its ATen calls are known, then natively (see StepCapture). */
  runCaptured(key: string, inputs: tf.Tensor[], fn: () => tf.Tensor[]): tf.Tensor[] {
    return this.capture.run(key, inputs, fn);
  }

  captureStatus(): CaptureStatus[] {
    return this.capture.status();
  }

  /** Times the calls of replayed steps from now on; captureProfile() returns per-op milliseconds per step. */
  startCaptureProfile(): void {
    this.capture.startProfiling();
  }

  captureProfile(byShape = false): ReplayProfile[] {
    return this.capture.profile(byShape);
  }

  /** Stores a native tensor (made contiguous, int64 narrowed to int32) as a kernel output. */
  makeOutput(handle: Handle, dtype?: DataType): tf.TensorInfo {
    const shape = this.native.finish(handle);
    const actual = (dtype ?? this.native.dtype(handle)) as DataType;
    const dataId = {};
    this.data.set(dataId, { handle, shape, dtype: actual, refCount: 1 });
    return { dataId, shape, dtype: actual };
  }

  handle(info: tf.TensorInfo): Handle {
    const entry = this.data.get(info.dataId);
    if (!entry?.handle) throw new Error(`torch backend: tensor ${entry ? `of dtype ${entry.dtype} ` : ''}has no native data`);
    return entry.handle;
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): object {
    const dataId = {};
    this.data.set(dataId, this.stored(values, shape, dtype, 1));
    return dataId;
  }

  override move(dataId: object, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.data.set(dataId, this.stored(values, shape, dtype, refCount));
  }

  private stored(values: BackendValues, shape: number[], dtype: DataType, refCount: number): TorchData {
    if (dtype === 'string') return { handle: null, strings: values as Uint8Array[], shape, dtype, refCount };
    if (dtype === 'complex64') throw new Error('torch backend: complex64 tensors are not supported');
    const typed = toTyped(values, dtype);
    return { handle: this.native.fromBuffer(typed, shape, dtype as 'float32' | 'int32' | 'bool'), shape, dtype, refCount };
  }

  override refCount(dataId: object): number {
    return this.data.has(dataId) ? this.data.get(dataId)!.refCount : 0;
  }

  override incRef(dataId: object): void {
    this.data.get(dataId)!.refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override readSync(dataId: object): BackendValues {
    const entry = this.data.get(dataId);
    if (!entry) throw new Error('torch backend: read of a disposed tensor');
    if (entry.dtype === 'string') return entry.strings!;
    const buffer = this.native.toBuffer(entry.handle!);
    if (entry.dtype === 'int32') return new Int32Array(buffer);
    if (entry.dtype === 'bool') return new Uint8Array(buffer);
    return new Float32Array(buffer);
  }

  override async read(dataId: object): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: object, force = false): boolean {
    const entry = this.data.get(dataId);
    if (!entry) return true;
    if (!force && --entry.refCount > 0) return false;
    if (entry.handle) this.native.dispose(entry.handle);
    if (entry.poolIndices) this.native.dispose(entry.poolIndices);
    this.data.delete(dataId);
    return true;
  }

  /** Frees intermediate tensor infos a kernel made through other kernels. */
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void {
    this.disposeData(info.dataId, true);
  }

  override memory(): { unreliable: boolean; reasons: string[] } & { nativeBytes: number; nativePeakBytes: number; nativeCachedBytes: number } {
    const m = this.native.memory();
    return { unreliable: true, reasons: ['numBytes counts tfjs tensors; libtorch memory is in nativeBytes'], nativeBytes: m.live, nativePeakBytes: m.peak, nativeCachedBytes: m.cached };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const start = performance.now();
    f();
    return { kernelMs: performance.now() - start };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {
    this.native.emptyCache();
  }
}

function toTyped(values: BackendValues, dtype: DataType): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return values instanceof Float32Array ? values : new Float32Array(values as unknown as ArrayLike<number>);
  if (dtype === 'int32') return values instanceof Int32Array ? values : new Int32Array(values as unknown as ArrayLike<number>);
  if (values instanceof Uint8Array) return values;
  return Uint8Array.from(values as unknown as ArrayLike<number>, (v) => (v ? 1 : 0));
}
