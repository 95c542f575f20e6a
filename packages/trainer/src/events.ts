import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core';
import {
  CUSTOM_SCALARS_LAYOUT_TAG, decodeEventRecord, encodeRecord, HParamsTag, isEventFileName, RecordScanner, SummaryWriter,
  type DecodedEvent, type ExperimentConfig, type HParamValue, type LayoutCategory,
} from '@cnnlab/tfevents';
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
    arch_options: archOptionsText(c.archOptions),
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
    label_smoothing: c.labelSmoothing,
    clip_grad: c.clipGrad.mode === 'off' ? 'off' : `${c.clipGrad.mode}:${c.clipGrad.max}`,
  };
  for (const [k, v] of Object.entries(c.archOptions)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') h[`arch.${k}`] = v;
  }
  return h;
}

/** The architecture options as one sorted `key=value` list, so that the experiment's columns are the same for every architecture. */
function archOptionsText(options: Record<string, unknown>): string {
  return Object.keys(options).sort().map((k) => `${k}=${JSON.stringify(options[k])}`).join(' ');
}

const HPARAM_TYPES: Readonly<Record<string, 'string' | 'float64'>> = {
  arch: 'string', arch_options: 'string', input: 'string', epochs: 'float64', batch_size: 'float64', lr: 'float64', optimizer: 'string',
  momentum: 'float64', weight_decay: 'float64', schedule: 'string', seed: 'float64', dataset: 'string',
  label_smoothing: 'float64', clip_grad: 'string',
};

/**
 * The experiment record (HParams columns and metrics). TensorBoard shows one
 * experiment per logdir and takes the first record it finds, so every run
 * writes this same record: fixed columns (architecture options in one column,
 * `arch_options`), no creation time.
 */
export const EXPERIMENT: ExperimentConfig = {
  hparams: Object.entries(HPARAM_TYPES).map(([name, type]) => ({ name, type })),
  metrics: [
    { tag: TAGS.valLoss, displayName: 'validation loss', datasetType: 'validation' },
    { tag: TAGS.valAcc, displayName: 'validation accuracy', datasetType: 'validation' },
    { tag: TAGS.trainLoss, displayName: 'training loss', datasetType: 'training' },
    { tag: TAGS.trainAcc, displayName: 'training accuracy', datasetType: 'training' },
  ],
  timeCreated: 0,
};

/** Custom-scalars charts that overlay training, validation (and test) curves of the same quantity. */
export const LAYOUT: readonly LayoutCategory[] = [{
  title: 'train vs validation',
  charts: [
    { title: 'loss', tags: ['^(train|val|test)/loss$'] },
    { title: 'accuracy', tags: ['^(train|val|test)/accuracy$'] },
  ],
}];

/**
 * Writes a run's TensorBoard events. A new run starts with the experiment,
 * the layout and its session (group = its path relative to the logdir); a
 * resumed run opens its event file only when it has something to write.
 */
export class RunLogger {
  private writer: SummaryWriter | undefined;

  constructor(private readonly runDir: string, config: TrainConfig, session: { group: string } | null) {
    if (session) {
      const writer = this.open();
      writer.experiment(EXPERIMENT);
      writer.customScalars(LAYOUT);
      writer.sessionStart(hparamsOf(config), { groupName: session.group });
      writer.flush();
    }
  }

  private open(): SummaryWriter {
    return (this.writer ??= new SummaryWriter(this.runDir));
  }

  batch(globalStep: number, loss: number): void {
    this.open().scalar(TAGS.batchLoss, loss, globalStep);
  }

  epoch(m: EpochMetrics): void {
    const writer = this.open();
    writer.scalars({
      [TAGS.trainLoss]: m.trainLoss,
      [TAGS.trainAcc]: m.trainAcc,
      [TAGS.valLoss]: m.valLoss,
      [TAGS.valAcc]: m.valAcc,
      [TAGS.lr]: m.lr,
      [TAGS.seconds]: m.seconds,
      [TAGS.imagesPerSecond]: m.imagesPerSecond,
    }, m.epoch);
    writer.flush();
  }

  text(tag: string, text: string, step: number): void {
    this.open().text(tag, text, step);
  }

  end(status: RunStatus): void {
    const map: Record<RunStatus, 'success' | 'failure' | 'running' | 'unknown'> = {
      finished: 'success', 'stopped-early': 'success', interrupted: 'running', failed: 'failure', running: 'running',
    };
    this.open().sessionEnd(map[status]);
    this.close();
  }

  close(): void {
    if (this.writer && !this.writer.closed) this.writer.close();
  }
}

/**
 * Writes test metrics of an evaluated run into the run's events (step = the
 * epoch whose weights were tested) unless that step already has them: every
 * (tag, step) appears once in a run. Returns whether it wrote.
 */
export function logTestMetrics(runDir: string, epoch: number, loss: number, accuracy: number): boolean {
  if (runEvents(runDir).some(({ event }) => event.step === epoch && event.summary?.values.some((v) => v.tag === TAGS.testLoss))) return false;
  const writer = new SummaryWriter(runDir);
  writer.scalars({ [TAGS.testLoss]: loss, [TAGS.testAcc]: accuracy }, epoch);
  writer.close();
  return true;
}

/** Every decodable event of a run's event files (synchronously), with its file. */
function runEvents(runDir: string): { file: string; event: DecodedEvent }[] {
  const out: { file: string; event: DecodedEvent }[] = [];
  for (const file of eventFiles(runDir)) {
    for (const item of new RecordScanner('skip').scan(readFileSync(file), 0)) {
      if (item.type !== 'record') continue;
      try {
        out.push({ file, event: decodeEventRecord(item.data, item.offset) });
      } catch {
        // A record that does not decode is dropped by the next resume.
      }
    }
  }
  return out;
}

function eventFiles(runDir: string): string[] {
  return readdirSync(runDir).filter(isEventFileName).sort().map((name) => join(runDir, name));
}

/**
 * Before a resumed run writes again, drops what the interrupted process
 * logged after its last checkpoint — epoch events past `epoch`, batch events
 * past `globalStep`, the run's summary text and session end (both written
 * again when it ends) — and any torn last record, so the run's event files
 * hold every step exactly once. Files are rewritten atomically; a file left
 * with nothing but its header (e.g. a kill during start-up) is removed.
 */
export function pruneEventsAfter(runDir: string, epoch: number, globalStep: number): { dropped: number; removedFiles: number; sessionStarted: boolean } {
  let dropped = 0, removedFiles = 0, sessionStarted = false;
  for (const path of eventFiles(runDir)) {
    const bytes = readFileSync(path);
    const kept: Uint8Array[] = [];
    let fileDropped = 0, holdsData = false;
    for (const item of new RecordScanner('skip').scan(bytes, 0)) {
      if (item.type !== 'record') continue;
      let event: DecodedEvent;
      try {
        event = decodeEventRecord(item.data, item.offset);
      } catch {
        fileDropped++;
        continue;
      }
      if (isAfter(event, epoch, globalStep)) {
        fileDropped++;
        continue;
      }
      kept.push(encodeRecord(item.data));
      holdsData ||= event.fileVersion === undefined;
      sessionStarted ||= event.summary?.values.some((v) => v.tag === HParamsTag.SESSION_START_INFO) ?? false;
    }
    dropped += fileDropped;
    if (!holdsData) {
      rmSync(path, { force: true });
      removedFiles++;
      continue;
    }
    const keptBytes = kept.reduce((n, r) => n + r.length, 0);
    if (fileDropped > 0 || keptBytes !== bytes.length) writeFileAtomic(path, Buffer.concat(kept));
  }
  return { dropped, removedFiles, sessionStarted };
}

function isAfter(event: DecodedEvent, epoch: number, globalStep: number): boolean {
  const values = event.summary?.values ?? [];
  if (values.some((v) => v.tag === HParamsTag.SESSION_END_INFO || v.tag.startsWith('summary/'))) return true;
  if (values.length === 0) return false;
  const perBatch = values.every((v) => v.tag.startsWith('batch/'));
  return perBatch ? event.step > globalStep : event.step > epoch && !values.some((v) => v.tag.startsWith('_hparams_/') || v.tag === CUSTOM_SCALARS_LAYOUT_TAG);
}
