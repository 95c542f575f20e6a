import type { Arg, Handle, OpHandle, Result, TorchNative } from './native.js';

/** torch.dtype codes (c10::ScalarType) of the dtypes tfjs has. */
export const DTYPE = { float32: 6, int32: 3, int64: 4, bool: 11 } as const;
/** c10::MemoryFormat. */
export const CHANNELS_LAST = 2;

/**
 * Calls ATen ops by name ("add.Tensor" = aten::add, overload Tensor), caching
 * the dispatcher handles. While a kernel runs, every tensor an op returns is
 * remembered so that the kernel's intermediates are freed when it finishes.
 */
export class Aten {
  private readonly ops = new Map<string, OpHandle>();
  private temps: Handle[] | null = null;

  constructor(readonly native: TorchNative, readonly device: 'cpu' | 'cuda') {}

  call(op: string, ...args: Arg[]): Result {
    let handle = this.ops.get(op);
    if (!handle) {
      const dot = op.indexOf('.');
      handle = dot < 0 ? this.native.op(`aten::${op}`, '') : this.native.op(`aten::${op.slice(0, dot)}`, op.slice(dot + 1));
      this.ops.set(op, handle);
    }
    const result = this.native.call(handle, ...args);
    if (this.temps) this.track(result);
    return result;
  }

  /** An op returning one tensor. */
  t(op: string, ...args: Arg[]): Handle {
    return this.call(op, ...args) as Handle;
  }

  /** An op returning several tensors (a tuple or a list). */
  ts(op: string, ...args: Arg[]): (Handle | null)[] {
    return this.call(op, ...args) as (Handle | null)[];
  }

  /** Keeps a tensor made inside the current kernel alive past its end (stored beside an output). */
  keep(handle: Handle): void {
    const i = this.temps?.indexOf(handle) ?? -1;
    if (i >= 0) this.temps!.splice(i, 1);
  }

  private track(result: Result): void {
    if (Array.isArray(result)) for (const r of result) this.track(r);
    else if (result && typeof result === 'object') this.temps!.push(result);
  }

  /** Runs `body`, then frees every tensor made meanwhile except those in `keep(result)`. */
  scoped<T>(body: () => T, keep: (result: T) => Handle[]): T {
    const outer = this.temps;
    this.temps = [];
    const made = this.temps;
    let kept: Handle[] = [];
    try {
      const result = body();
      kept = keep(result);
      return result;
    } finally {
      this.temps = outer;
      for (const h of made) if (!kept.includes(h)) this.native.dispose(h);
    }
  }
}
