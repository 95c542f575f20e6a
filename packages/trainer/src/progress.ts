import type { FitDiagnosis } from '@cnnlab/analysis';
import { describeEngine } from '@cnnlab/core';
import type { BatchProgress, StartInfo, TrainHooks } from './loop.js';
import type { EpochMetrics } from './run-dir.js';

const fmt = (x: number, digits = 4) => x.toFixed(digits);

/** Hooks that print training to a terminal: a progress bar on a TTY, plain lines otherwise. */
export function consoleReporter(stream: NodeJS.WriteStream = process.stderr, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): TrainHooks {
  const tty = Boolean(stream.isTTY);
  let lastDraw = 0;
  const clear = () => { if (tty) stream.write('\r\x1b[2K'); };
  return {
    log: (message) => { clear(); out(message); },
    onStart(info: StartInfo) {
      const r = info.resumedFrom;
      out(`${r ? 'Resuming' : 'Training'} ${info.config.arch} (${info.params.toLocaleString('en-US')} parameters) on ${info.dataset.name}: ` +
        `${info.split.train.length} train / ${info.split.val.length} validation / ${info.split.test.length} test images, input ${info.config.input.join('x')}`);
      out(`Backend ${describeEngine(info.engine)}. Run directory: ${info.runDir}`);
      if (r && r.epoch >= info.config.epochs) out(`All ${info.config.epochs} epochs were trained before the run stopped (${r.file}); finishing the run.`);
      else if (r) out(`Continuing from ${r.file}: epoch ${r.epoch + 1}, batch ${r.batch + 1}`);
      if (info.dataset.note) out(`Note: ${info.dataset.note}`);
    },
    onBatch(p: BatchProgress) {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100 && p.batch !== p.batches) return;
      lastDraw = now;
      const width = 24;
      const filled = Math.round((p.batch / p.batches) * width);
      stream.write(`\r\x1b[2Kepoch ${p.epoch}/${p.epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.batch}/${p.batches} loss ${fmt(p.loss)} acc ${fmt(p.accuracy, 3)} ${Math.round(p.imagesPerSecond)} img/s`);
    },
    onEpoch(m: EpochMetrics, info: { improved: boolean; diagnosis: FitDiagnosis }) {
      clear();
      out(`epoch ${String(m.epoch).padStart(3)}  train loss ${fmt(m.trainLoss)} acc ${fmt(m.trainAcc)}  val loss ${fmt(m.valLoss)} acc ${fmt(m.valAcc)}  ` +
        `lr ${m.lr.toPrecision(3)}  ${m.seconds.toFixed(1)} s  ${Math.round(m.imagesPerSecond)} img/s${info.improved ? '  *best' : ''}`);
    },
  };
}
