import { customScalarsValue, type LayoutCategory } from './custom-scalars.js';
import { EventFileWriter, type EventFileWriterOptions } from './event-file-writer.js';
import { bucketsFromEdges, computeHistogramBuckets, DEFAULT_BUCKET_COUNT } from './histogram-buckets.js';
import {
  experimentData,
  hparamTypeOf,
  sessionEndData,
  sessionStartData,
  type ExperimentConfig,
  type HParamValue,
  type MetricDefinition,
  type SessionStartOptions,
} from './hparams.js';
import { SessionStatus, type Event } from './proto/event.js';
import type { SessionStatusName } from './proto/hparams.js';
import type { SummaryValue } from './proto/summary.js';
import { histogramValue, hparamsValue, imageValue, scalarValue, textValue, type ImageSize } from './summary-values.js';

export type SummaryWriterOptions = EventFileWriterOptions;

export interface WriteOptions {
  /** Seconds since the epoch; defaults to now. */
  wallTime?: number;
}

export interface ScalarOptions extends WriteOptions {
  /** Write `simple_value` (as PyTorch does) instead of TensorFlow 2's rank-0 tensor. */
  legacy?: boolean;
}

export interface HistogramOptions extends WriteOptions {
  /** Number of buckets computed from raw values (default 30). */
  buckets?: number;
}

/** A histogram given as its buckets: `edges` has one more entry than `counts`. */
export interface HistogramEdges {
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
}

export interface HParamsOptions extends SessionStartOptions {
  metrics?: readonly MetricDefinition[];
}

/** Writes TensorBoard summaries (scalars, histograms, text, images, hparams) to a new event file in `logdir`. */
export class SummaryWriter {
  readonly fileWriter: EventFileWriter;

  constructor(logdir: string, options: SummaryWriterOptions = {}) {
    this.fileWriter = new EventFileWriter(logdir, options);
  }

  get logdir(): string {
    return this.fileWriter.logdir;
  }

  /** Path of the event file. */
  get path(): string {
    return this.fileWriter.path;
  }

  get closed(): boolean {
    return this.fileWriter.closed;
  }

  scalar(tag: string, value: number, step: number, options: ScalarOptions = {}): void {
    this.writeSummary([scalarValue(tag, value, options.legacy)], step, options);
  }

  /** Several scalars of one step in one event. */
  scalars(values: Readonly<Record<string, number>>, step: number, options: ScalarOptions = {}): void {
    this.writeSummary(
      Object.entries(values).map(([tag, value]) => scalarValue(tag, value, options.legacy)),
      step,
      options,
    );
  }

  /** A histogram of raw values (bucketed like TensorBoard), or of given edges and counts. */
  histogram(tag: string, data: ArrayLike<number> | HistogramEdges, step: number, options: HistogramOptions = {}): void {
    const buckets =
      'edges' in data
        ? bucketsFromEdges(data.edges, data.counts)
        : computeHistogramBuckets(data, options.buckets ?? DEFAULT_BUCKET_COUNT);
    this.writeSummary([histogramValue(tag, buckets)], step, options);
  }

  text(tag: string, text: string | readonly string[], step: number, options: WriteOptions = {}): void {
    this.writeSummary([textValue(tag, text)], step, options);
  }

  /** One or more PNG-encoded images of the same size. */
  image(tag: string, png: Uint8Array | readonly Uint8Array[], size: ImageSize, step: number, options: WriteOptions = {}): void {
    const pngs = png instanceof Uint8Array ? [png] : png;
    this.writeSummary([imageValue(tag, pngs, size)], step, options);
  }

  /** A custom-scalars layout: charts that overlay every tag matching their regular expressions (TensorBoard merges the layouts of all runs). */
  customScalars(categories: readonly LayoutCategory[], options: WriteOptions = {}): void {
    this.writeSummary([customScalarsValue(categories)], 0, options);
  }

  /** Declares the hparams and metrics of the experiment (written into this run). */
  experiment(config: ExperimentConfig, options: WriteOptions = {}): void {
    this.writeSummary([hparamsValue({ experiment: experimentData(config, now()) })], 0, options);
  }

  /** Records this run's hparam values. */
  sessionStart(hparams: Readonly<Record<string, HParamValue>>, options: SessionStartOptions = {}): void {
    const sessionStartInfo = sessionStartData(hparams, options, now());
    this.writeSummary([hparamsValue({ sessionStartInfo })], 0, { wallTime: sessionStartInfo.startTimeSecs });
  }

  sessionEnd(status: SessionStatusName = 'success', endTime: number = now()): void {
    this.writeSummary([hparamsValue({ sessionEndInfo: sessionEndData(status, endTime) })], 0, { wallTime: endTime });
  }

  /** Shorthand: an experiment whose hparam types come from `hparams`, then the session start. */
  hparams(hparams: Readonly<Record<string, HParamValue>>, options: HParamsOptions = {}): void {
    const { metrics = [], ...sessionOptions } = options;
    this.experiment({
      hparams: Object.entries(hparams).map(([name, value]) => ({ name, type: hparamTypeOf(value) })),
      metrics,
    });
    this.sessionStart(hparams, sessionOptions);
  }

  /**
   * A SessionLog START at `step`. TensorBoard takes a run's first START as its start; each later one marks
   * a restart and drops every event it read before with a step >= `step` (see restarts.ts).
   */
  sessionStartLog(step: number, options: WriteOptions = {}): void {
    this.writeEvent({ wallTime: options.wallTime ?? now(), step, sessionLog: { status: SessionStatus.START } });
  }

  writeSummary(values: SummaryValue[], step: number, options: WriteOptions = {}): void {
    this.writeEvent({ wallTime: options.wallTime ?? now(), step, summary: { value: values } });
  }

  writeEvent(event: Event): void {
    this.fileWriter.writeEvent(event);
  }

  /** An already serialized Event (e.g. a record read from another file), written unchanged. */
  writeEventBytes(data: Uint8Array): void {
    this.fileWriter.writeRecord(data);
  }

  flush(): void {
    this.fileWriter.flush();
  }

  close(): void {
    this.fileWriter.close();
  }
}

function now(): number {
  return Date.now() / 1000;
}
