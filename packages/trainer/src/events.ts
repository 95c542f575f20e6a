import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core';
import { decodeEventRecord, encodeRecord, isEventFileName, RecordScanner, SummaryWriter, type DecodedEvent, type HParamValue } from '@cnnlab/tfevents';
import type { TrainConfig } from './config.js';
import type { EpochMetrics, RunStatus } from './run-dir.js';

/** Tags written per epoch (step = epoch number) and per batch (step = global batch step). */
export const TAGS = {
  trainLoss: 'train/loss',
  trainAcc: 'train/accuracy',
  valLoss: 'val/loss',
  valAcc: 'val/accuracy',
  lr: 'train/learning_rate',
  seconds: 'perf/epoch_seconds',
  imagesPerSecond: 'perf/images_per_second',
  batchLoss: 'batch/train_loss',
  testLoss: 'test/loss',
  testAcc: 'test/accuracy',
} as const;

/** The hyper-parameters shown in TensorBoard's HParams plugin (and the dashboard's hparams view). */
export function hparamsOf(c: TrainConfig): Record<string, HParamValue> {
  const h: Record<string, HParamValue> = {
    arch: c.arch,
    input: c.input.join('x'),
    epochs: c.epochs,
    batch_size: c.batchSize,
    lr: c.lr,
    optimizer: c.optimizer.name,
    momentum: c.optimizer.momentum,
    weight_decay: c.optimizer.weightDecay,
    schedule: c.schedule.name,
    seed: c.seed,
    dataset: c.dataset.name,
  };
  for (const [k, v] of Object.entries(c.archOptions)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') h[`arch.${k}`] = v;
  }
  return h;
}

/** Writes a run's TensorBoard events: hparams in the run's own directory, scalars per epoch and batch. */
export class RunLogger {
  private readonly writer: SummaryWriter;

  constructor(runDir: string, config: TrainConfig, resumedAtEpoch: number | null) {
    this.writer = new SummaryWriter(runDir);
    if (resumedAtEpoch === null) {
      const hparams = hparamsOf(config);
      this.writer.experiment({
        hparams: Object.entries(hparams).map(([name, value]) => ({ name, type: typeof value === 'number' ? 'float64' : typeof value === 'boolean' ? 'bool' : 'string' })),
        metrics: [
          { tag: TAGS.valLoss, displayName: 'validation loss', datasetType: 'validation' },
          { tag: TAGS.valAcc, displayName: 'validation accuracy', datasetType: 'validation' },
          { tag: TAGS.trainLoss, displayName: 'training loss', datasetType: 'training' },
          { tag: TAGS.trainAcc, displayName: 'training accuracy', datasetType: 'training' },
        ],
      });
      this.writer.sessionStart(hparams, { groupName: config.arch });
    }
    this.writer.flush();
  }

  batch(globalStep: number, loss: number): void {
    this.writer.scalar(TAGS.batchLoss, loss, globalStep);
  }

  epoch(m: EpochMetrics): void {
    this.writer.scalars({
      [TAGS.trainLoss]: m.trainLoss,
      [TAGS.trainAcc]: m.trainAcc,
      [TAGS.valLoss]: m.valLoss,
      [TAGS.valAcc]: m.valAcc,
      [TAGS.lr]: m.lr,
      [TAGS.seconds]: m.seconds,
      [TAGS.imagesPerSecond]: m.imagesPerSecond,
    }, m.epoch);
    this.writer.flush();
  }

  text(tag: string, text: string, step: number): void {
    this.writer.text(tag, text, step);
  }

  end(status: RunStatus): void {
    const map: Record<RunStatus, 'success' | 'failure' | 'running' | 'unknown'> = {
      finished: 'success', 'stopped-early': 'success', interrupted: 'running', failed: 'failure', running: 'running',
    };
    this.writer.sessionEnd(map[status]);
    this.writer.close();
  }

  close(): void {
    if (!this.writer.closed) this.writer.close();
  }
}

/** Writes test metrics of an evaluated run into the run's events (step = the epoch whose weights were tested). */
export function logTestMetrics(runDir: string, epoch: number, loss: number, accuracy: number): void {
  const writer = new SummaryWriter(runDir);
  writer.scalars({ [TAGS.testLoss]: loss, [TAGS.testAcc]: accuracy }, epoch);
  writer.close();
}

/**
 * Before a resumed run writes again, drops what the interrupted process
 * logged after its last checkpoint — epoch events past `epoch`, batch events
 * past `globalStep`, an earlier session end — and any torn last record, so the
 * run's event files hold every step exactly once. Files are rewritten atomically.
 */
export function pruneEventsAfter(runDir: string, epoch: number, globalStep: number): number {
  let dropped = 0;
  for (const name of readdirSync(runDir).filter(isEventFileName).sort()) {
    const path = join(runDir, name);
    const bytes = readFileSync(path);
    const kept: Uint8Array[] = [];
    let fileDropped = 0;
    const scanner = new RecordScanner('skip');
    for (const item of scanner.scan(bytes, 0)) {
      if (item.type !== 'record') continue;
      let event: DecodedEvent;
      try {
        event = decodeEventRecord(item.data, item.offset);
      } catch {
        fileDropped++;
        continue;
      }
      if (isAfter(event, epoch, globalStep)) fileDropped++;
      else kept.push(encodeRecord(item.data));
    }
    const keptBytes = kept.reduce((n, r) => n + r.length, 0);
    if (fileDropped > 0 || keptBytes !== bytes.length) {
      writeFileAtomic(path, Buffer.concat(kept));
      dropped += fileDropped;
    }
  }
  return dropped;
}

function isAfter(event: DecodedEvent, epoch: number, globalStep: number): boolean {
  const values = event.summary?.values ?? [];
  if (values.some((v) => v.tag === '_hparams_/session_end_info')) return true;
  if (values.length === 0) return false;
  const perBatch = values.every((v) => v.tag.startsWith('batch/'));
  return perBatch ? event.step > globalStep : event.step > epoch && !values.some((v) => v.tag.startsWith('_hparams_/'));
}
