import type { Point } from './history.js';

/** A scalar point with its arrival number in its run (what `since` cursors count). */
export interface StoredPoint extends Point {
  seq: number;
}

/**
 * One scalar series stored column-wise in growable typed arrays: 28 bytes a point instead of an object each
 * (about 100 bytes), and nothing for the garbage collector to trace, for logdirs of millions of points.
 * Reads hand out plain objects.
 */
export class PointColumn implements Iterable<StoredPoint> {
  private steps = new Float64Array(8);
  private wallTimes = new Float64Array(8);
  private values = new Float64Array(8);
  private seqs = new Uint32Array(8);
  length = 0;

  push(p: StoredPoint): void {
    this.pushPoint(p.step, p.wallTime, p.value, p.seq);
  }

  /** `push` without a point object, for the scan's millions of points. */
  pushPoint(step: number, wallTime: number, value: number, seq: number): void {
    if (this.length === this.steps.length) this.grow();
    const i = this.length++;
    this.steps[i] = step;
    this.wallTimes[i] = wallTime;
    this.values[i] = value;
    this.seqs[i] = seq;
  }

  /** Removes every point with a step >= `step`, keeping the order of the rest; returns how many went. */
  dropFromStep(step: number): number {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.steps[i]! >= step) continue;
      this.steps[kept] = this.steps[i]!;
      this.wallTimes[kept] = this.wallTimes[i]!;
      this.values[kept] = this.values[i]!;
      this.seqs[kept] = this.seqs[i]!;
      kept++;
    }
    const dropped = this.length - kept;
    this.length = kept;
    return dropped;
  }

  /** The point at `index` (negative: from the end), or undefined. */
  at(index: number): StoredPoint | undefined {
    const i = index < 0 ? this.length + index : index;
    if (i < 0 || i >= this.length) return undefined;
    return { step: this.steps[i]!, wallTime: this.wallTimes[i]!, value: this.values[i]!, seq: this.seqs[i]! };
  }

  seqAt(index: number): number {
    return this.seqs[index]!;
  }

  /** The largest step, or null when empty. */
  maxStep(): number | null {
    let max: number | null = null;
    for (let i = 0; i < this.length; i++) if (max === null || this.steps[i]! > max) max = this.steps[i]!;
    return max;
  }

  /** The points from `start` on, without their arrival numbers. */
  slice(start = 0): Point[] {
    const out: Point[] = new Array(Math.max(0, this.length - start));
    for (let i = start; i < this.length; i++) out[i - start] = { step: this.steps[i]!, wallTime: this.wallTimes[i]!, value: this.values[i]! };
    return out;
  }

  map<T>(fn: (p: StoredPoint, index: number) => T): T[] {
    const out: T[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = fn(this.at(i)!, i);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<StoredPoint> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  private grow(): void {
    const size = this.steps.length * 2;
    const grown = <A extends Float64Array | Uint32Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(size);
      b.set(a);
      return b;
    };
    this.steps = grown(this.steps);
    this.wallTimes = grown(this.wallTimes);
    this.values = grown(this.values);
    this.seqs = grown(this.seqs);
  }
}
