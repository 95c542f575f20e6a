import { colorJitter } from './color-jitter.js';
import { randomCrop } from './crop.js';
import { Draws } from './draws.js';
import { randomErase } from './erase.js';
import { horizontalFlip } from './flip.js';
import type { ImageView } from './image.js';
import { mixBatch } from './mix.js';
import { randomResizedCrop } from './resized-crop.js';
import type { AugmentPlan, ImageOp } from './spec.js';

export interface AugmentDims {
  height: number;
  width: number;
  channels: number;
}

/** Position of the batch-level mix among the draws of an image (after every per-image op). */
const MIX_OP = 1000;

function applyOp(op: ImageOp, image: ImageView, draws: Draws, fill: ArrayLike<number>): void {
  switch (op.op) {
    case 'crop': return randomCrop(image, draws, op.padding);
    case 'rrc': return randomResizedCrop(image, draws, op.minScale);
    case 'flip': return horizontalFlip(image, draws, op.p);
    case 'jitter': return colorJitter(image, draws, op.strength);
    case 'erase': return randomErase(image, draws, op.p, fill);
  }
}

/**
 * Applies a plan to batches. Every draw is a pure function of (seed, epoch,
 * image index, op position), so the same image in the same epoch gets the
 * same augmentation however the run was interrupted and resumed.
 */
export class Augmenter {
  constructor(readonly plan: AugmentPlan, readonly seed: number, readonly fill: ArrayLike<number>) {}

  /** Runs the per-image ops in place on n uint8 HWC images whose data-set indices are `indices`. */
  augmentImages(bytes: Uint8Array, indices: ArrayLike<number>, n: number, dims: AugmentDims, epoch: number): void {
    if (!this.plan.image.length) return;
    const { height, width, channels } = dims;
    const per = height * width * channels;
    const scratch = new Uint8Array(per);
    for (let b = 0; b < n; b++) {
      const image: ImageView = { data: bytes.subarray(b * per, (b + 1) * per), height, width, channels, scratch };
      this.plan.image.forEach((op, k) => applyOp(op, image, new Draws(this.seed, epoch, indices[b]!, k), this.fill));
    }
  }

  get mixes(): boolean {
    return this.plan.mixup > 0 || this.plan.cutmix > 0;
  }

  /** Mixup/CutMix on normalised pixels, in place; the soft targets, or null when the plan mixes nothing. */
  mix(pixels: Float32Array, labels: ArrayLike<number>, indices: ArrayLike<number>, n: number, dims: AugmentDims, classes: number, epoch: number): Float32Array | null {
    if (!this.mixes) return null;
    return mixBatch(pixels, labels, n, dims.height, dims.width, dims.channels, classes, this.plan, (b) => new Draws(this.seed, epoch, indices[b]!, MIX_OP));
  }
}
