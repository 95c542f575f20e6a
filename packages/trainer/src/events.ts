import { SummaryWriter } from '@cnnlab/tfevents';
import type { TrainConfig } from './config.js';
import { BEST_TAGS, hparamsOf, LAYOUT, TAGS } from './event-schema.js';
import { runEvents } from './resume-events.js';
import { confusionImage, confusionTable } from './summaries/index.js';
import type { EpochMetrics, RunStatus } from './run-dir.js';

export interface BestSoFar {
  epoch: number;
  valLoss: number;
  valAcc: number;
}

/** How a RunLogger begins: a new run, or a resume prepared by `planResume`. */
export interface LoggerStart {
  /** Write the run's session (hparams) into a header file of its own; undefined: the session already written stays. */
  session?: { group: string };
  /** A SessionLog START at this step, TensorBoard's restart record (0 for a new run). */
  restartStep: number;
  /** Records written again right after the restart. */
  replay?: readonly Uint8Array[];
}

/**
 * Writes a run's TensorBoard events, append-only: the session (hparams and layout) in a small header file,
 * the metrics in a file that starts with a SessionLog START (a resumed run's restart step), and the session
 * end in a file of its own, so that a resume never rewrites what an open TensorBoard has read: it deletes at
 * most the header (when the hparams change) and the session end.
 *
 * No hparams experiment record is written: TensorBoard then builds the experiment from the sessions, marking
 * the hparams whose values differ (shown by default) and taking every scalar tag as a metric column. A
 * written experiment would be one run's guess for the whole logdir.
 */
export class RunLogger {
  private writer: SummaryWriter | undefined;

  constructor(private readonly runDir: string, config: TrainConfig, start: LoggerStart) {
    if (start.session) {
      const header = new SummaryWriter(runDir);
      header.customScalars(LAYOUT);
      header.sessionStart(hparamsOf(config), { groupName: start.session.group });
      header.close();
    }
    const writer = this.open();
    writer.sessionStartLog(start.restartStep);
    for (const record of start.replay ?? []) writer.writeEventBytes(record);
    writer.flush();
  }

  private open(): SummaryWriter {
    return (this.writer ??= new SummaryWriter(this.runDir));
  }

  batch(globalStep: number, loss: number): void {
    this.open().scalar(TAGS.batchLoss, loss, globalStep);
  }

  epoch(m: EpochMetrics, best: BestSoFar | null): void {
    const writer = this.open();
    writer.scalars({
      [TAGS.trainLoss]: m.trainLoss,
      [TAGS.trainAcc]: m.trainAcc,
      [TAGS.valLoss]: m.valLoss,
      [TAGS.valAcc]: m.valAcc,
      [TAGS.lr]: m.lr,
      [TAGS.seconds]: m.seconds,
      [TAGS.imagesPerSecond]: m.imagesPerSecond,
      ...(best ? { [BEST_TAGS.valLoss]: best.valLoss, [BEST_TAGS.valAcc]: best.valAcc, [BEST_TAGS.epoch]: best.epoch } : {}),
    }, m.epoch);
    writer.flush();
  }

  /** A PNG image (e.g. the grid of augmented samples, tag `augment/samples`). */
  image(tag: string, png: Uint8Array, size: { width: number; height: number }, step: number): void {
    this.open().image(tag, png, size, step);
    this.open().flush();
  }

  /** The writer of the metrics file, for histograms and images. */
  get events(): SummaryWriter {
    return this.open();
  }

  text(tag: string, text: string, step: number): void {
    this.open().text(tag, text, step);
  }

  end(status: RunStatus): void {
    const map: Record<RunStatus, 'success' | 'failure' | 'running' | 'unknown'> = {
      finished: 'success', 'stopped-early': 'success', interrupted: 'running', failed: 'failure', running: 'running',
    };
    this.close();
    const writer = new SummaryWriter(this.runDir);
    writer.sessionEnd(map[status]);
    writer.close();
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
export function logTestMetrics(runDir: string, epoch: number, loss: number, accuracy: number, matrix?: { confusion: number[][]; classes: readonly string[] }): boolean {
  if (runEvents(runDir).some(({ event }) => event.step === epoch && event.summary?.values.some((v) => v.tag === TAGS.testLoss))) return false;
  const writer = new SummaryWriter(runDir);
  writer.scalars({ [TAGS.testLoss]: loss, [TAGS.testAcc]: accuracy }, epoch);
  if (matrix) {
    const image = confusionImage(matrix.confusion);
    writer.image('test/confusion_matrix', image.png, { width: image.width, height: image.height }, epoch);
    writer.text('test/confusion_table', confusionTable(matrix.confusion, matrix.classes), epoch);
  }
  writer.close();
  return true;
}

