import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDirectory, RestartRule, RunTail, SummaryWriter, type DecodedEvent } from '@cnnlab/tfevents';
import { consoleReporter, evaluateRun, readConfig, readReport, resumeRun, runPaths, train, type RunReport } from '../src/index.js';
import { TEST_RUN } from './helpers/test-arch.js';
import { runChild } from './helpers/run-child.js';
import '@cnnlab/arch-lenet';
import { writeTinyCifar10 } from '../../../test-support/tiny-cifar.js';

let logdir: string;
beforeAll(() => { logdir = mkdtempSync(join(tmpdir(), 'cnnlab-tb-')); });
afterAll(() => rmSync(logdir, { recursive: true, force: true }));

const QUICK = { ...TEST_RUN, epochs: 2, dataset: { limit: 600 } };

/** Every (tag, step) of a run that appears more than once, hparams records included. */
function duplicates(events: DecodedEvent[]): string[] {
  const seen = new Map<string, number>();
  for (const e of events) for (const v of e.summary?.values ?? []) seen.set(`${v.tag}@${e.step}`, (seen.get(`${v.tag}@${e.step}`) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

const tagsOf = (events: DecodedEvent[]) => events.flatMap((e) => (e.summary?.values ?? []).map((v) => `${v.tag}@${e.step}`));

function eventFileSizes(runDir: string): Record<string, number> {
  return Object.fromEntries(readdirSync(runDir).filter((n) => n.startsWith('events.out.tfevents.')).map((n) => [n, statSync(join(runDir, n)).size]));
}

function setStatus(runDir: string, status: RunReport['status']): void {
  const report = readReport(runDir);
  report.status = status;
  writeFileSync(runPaths(runDir).report, JSON.stringify(report));
}

describe('TensorBoard events of a run', () => {
  let finished: string;
  beforeAll(async () => {
    finished = (await train({ ...QUICK, logdir, name: 'finished' })).runDir;
  });

  it('a new run writes its session with an empty group (TensorBoard then uses the run path, unique in any logdir above it), a layout, no experiment record, and a START', async () => {
    const { events } = await readRunDirectory(finished);
    const values = events.flatMap((e) => e.summary?.values ?? []);
    const start = values.find((v) => v.tag === '_hparams_/session_start_info');
    expect(start?.kind === 'hparams' && start.data.sessionStartInfo?.groupName).toBeUndefined();
    expect(values.filter((v) => v.tag === 'custom_scalars__config__')).toHaveLength(1);
    expect(values.filter((v) => v.tag === '_hparams_/experiment')).toHaveLength(0);
    expect(events.filter((e) => e.sessionLog?.status === 'start').map((e) => e.step)).toEqual([0]);
    const grouped = (await train({ ...QUICK, epochs: 1, logdir, name: 'study/seed-1', group: 'study/seeds' })).runDir;
    const groupedStart = (await readRunDirectory(grouped)).events.flatMap((e) => e.summary?.values ?? []).find((v) => v.tag === '_hparams_/session_start_info');
    expect(groupedStart?.kind === 'hparams' && groupedStart.data.sessionStartInfo?.groupName).toBe('study/seeds');
  });

  it('logs the best epoch so far and its validation metrics every epoch (the values the run is judged by)', async () => {
    const { events } = await readRunDirectory(finished);
    const report = readReport(finished);
    const last = (tag: string) => events.filter((e) => e.summary?.values.some((v) => v.tag === tag)).at(-1)!.summary!.values.find((v) => v.tag === tag);
    const value = (tag: string) => { const v = last(tag); return v?.kind === 'scalar' ? v.value : undefined; };
    expect(value('best/epoch')).toBe(report.bestEpoch);
    expect(value('best/val_loss')).toBeCloseTo(report.bestValLoss!, 6);
    expect(value('best/val_accuracy')).toBeCloseTo(report.bestValAcc!, 6);
  });

  it('a resume after a kill that landed before the session was written writes it, with the run’s group', async () => {
    const runDir = (await train({ ...QUICK, epochs: 1, logdir, name: 'sweep-x/trial-7' })).runDir;
    for (const file of Object.keys(eventFileSizes(runDir))) rmSync(join(runDir, file));
    setStatus(runDir, 'interrupted');
    await resumeRun(runDir);
    const { events } = await readRunDirectory(runDir);
    const starts = events.flatMap((e) => e.summary?.values ?? []).filter((v) => v.tag === '_hparams_/session_start_info');
    expect(starts).toHaveLength(1);
    expect(duplicates(events)).toEqual([]);
  });

  it('resuming a finished run says it is finished and how to extend it, and writes nothing', async () => {
    const before = eventFileSizes(finished);
    const out: string[] = [];
    const result = await resumeRun(finished, {}, { ...consoleReporter(process.stderr, (l) => out.push(l)) });
    expect(result.notice).toMatch(/already finished all 2 epochs.*--epochs 7 \(any N > 2\)/);
    expect(out.join('\n')).toMatch(/already finished all 2 epochs, so there is nothing to resume\. To train it further, resume with more epochs: --resume <run> --epochs/);
    expect(out.join('\n')).not.toMatch(/Continuing from/);
    expect(eventFileSizes(finished)).toEqual(before);
    expect(readReport(finished).resumes).toBe(0);
    expect(duplicates((await readRunDirectory(finished)).events)).toEqual([]);
  });

  it('a resume after a kill that landed after the diagnosis was written writes (summary/diagnosis, last epoch) once, and tidies header-only files', async () => {
    const runDir = join(logdir, 'killed-after-diagnosis');
    cpSync(finished, runDir, { recursive: true });
    setStatus(runDir, 'running');
    // Kills during start-up leave files holding only the file_version header (40 bytes), or a torn one.
    const stub = new SummaryWriter(runDir, { flushIntervalMs: 0 });
    stub.close();
    expect(statSync(stub.path).size).toBe(40);
    writeFileSync(join(runDir, 'events.out.tfevents.0000000001.host.1.0'), readFileSync(stub.path).subarray(0, 30));
    const withData = Object.keys(eventFileSizes(finished));

    const out: string[] = [];
    const result = await resumeRun(runDir, {}, consoleReporter(process.stderr, (l) => out.push(l)));
    expect(result.report.status).toBe('finished');
    expect(out.join('\n')).toMatch(/All 2 epochs were trained before the run stopped/);
    const { events, damage } = await readRunDirectory(runDir);
    expect(damage).toEqual([]);
    expect(duplicates(events)).toEqual([]);
    expect(tagsOf(events).filter((t) => t.startsWith('summary/diagnosis'))).toEqual(['summary/diagnosis@2']);
    expect(tagsOf(events).filter((t) => t.startsWith('_hparams_/session_end_info'))).toHaveLength(1);
    // The stubs are gone; the metrics files are kept byte for byte (the restart record supersedes the old diagnosis).
    const sizes = eventFileSizes(runDir);
    expect(Object.keys(sizes)).not.toContain(stub.path.split('/').pop());
    expect(Object.keys(sizes)).not.toContain('events.out.tfevents.0000000001.host.1.0');
    const before = eventFileSizes(finished);
    const metricsFiles = withData.filter((f) => before[f]! > 1000);
    expect(metricsFiles.length).toBeGreaterThan(0);
    for (const f of metricsFiles) expect(sizes[f]).toBe(before[f]);
  });

  it('evaluate --force writes test/loss and test/accuracy of a step once', async () => {
    const first = await evaluateRun(finished);
    const log: string[] = [];
    const again = await evaluateRun(finished, { force: true, log: (m) => log.push(m) });
    expect(again.epoch).toBe(first.epoch);
    expect(again.accuracy).toBe(first.accuracy);
    expect(log.join('\n')).toMatch(/already hold test metrics of epoch \d/);
    const tags = tagsOf((await readRunDirectory(finished)).events);
    expect(tags.filter((t) => t.startsWith('test/loss') || t.startsWith('test/accuracy'))).toEqual([`test/loss@${first.epoch}`, `test/accuracy@${first.epoch}`]);
    expect(readReport(finished).test?.accuracy).toBe(again.accuracy);
  });
});


describe('two processes training into one logdir at once', () => {
  it('each run decodes undamaged, once per (tag, step), with its own session and no experiment record', async () => {
    const shared = join(logdir, 'shared');
    const quick = JSON.stringify({ epochs: 1, dataset: { limit: 300 } });
    await Promise.all([runChild(['train', `${shared}::a`, quick]), runChild(['train', `${shared}::b`, quick])]);
    const runs = await Promise.all(['a', 'b'].map((name) => readRunDirectory(join(shared, name))));
    const hparams = runs.map(({ events, damage }) => {
      expect(damage).toEqual([]);
      expect(duplicates(events)).toEqual([]);
      const values = events.flatMap((e) => e.summary?.values ?? []);
      const data = (tag: string) => values.flatMap((v) => (v.tag === tag && v.kind === 'hparams' ? [v.data] : []));
      return { group: data('_hparams_/session_start_info')[0]?.sessionStartInfo?.groupName, experiments: data('_hparams_/experiment') };
    });
    expect(hparams.map((h) => h.group)).toEqual([undefined, undefined]);
    expect(hparams.map((h) => h.experiments.length)).toEqual([0, 0]);
  });
});

describe('a 3-channel data set on a 1-channel model', () => {
  let dir: string;
  beforeAll(() => { dir = writeTinyCifar10(join(logdir, 'cifar')); });

  it('fails with advice naming --grayscale and --input 3,32,32, leaving no run directory', async () => {
    await expect(train({ arch: 'lenet', epochs: 1, dataset: { name: 'cifar10', dir }, logdir, name: 'rgb' }))
      .rejects.toThrow(/3 channels \(RGB\) but the model takes 1\. Convert the images to gray with --grayscale .* --input 3,32,32/);
    expect(existsSync(join(logdir, 'rgb'))).toBe(false);
  });

  it('trains with grayscale (kept in the run config for resume), and a resume that fails before training leaves run, checkpoints and status, and no lock', async () => {
    const { runDir, report } = await train({ arch: 'lenet', epochs: 1, batchSize: 32, dataset: { name: 'cifar10', dir, grayscale: true }, logdir, name: 'gray' });
    expect(report.status).toBe('finished');
    expect(readConfig(runDir).dataset.grayscale).toBe(true);
    setStatus(runDir, 'interrupted');
    const config = readConfig(runDir);
    delete config.dataset.grayscale;
    writeFileSync(runPaths(runDir).config, JSON.stringify(config));
    await expect(resumeRun(runDir)).rejects.toThrow(/--grayscale/);
    expect(readdirSync(runPaths(runDir).checkpoints)).toContain('latest.ckpt');
    expect(existsSync(runPaths(runDir).lock)).toBe(false);
    expect(readReport(runDir).status).toBe('interrupted');
  });
});

/** Every scalar (tag, step) → value, without the timing tags (wall-clock dependent). */
function scalarsOf(events: DecodedEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    for (const v of e.summary?.values ?? []) {
      if (v.kind !== 'scalar' || v.tag.startsWith('perf/')) continue;
      const key = `${v.tag}@${e.step}`;
      expect(out.has(key), `${key} twice`).toBe(false);
      out.set(key, v.value);
    }
  }
  return out;
}

describe('TensorBoard left open while a run is killed and resumed', () => {
  const LONG = JSON.stringify({ logEveryBatches: 1, checkpoint: { every: 1, keep: 5 } });

  it('an incremental reader applying TensorBoard’s restart rule holds each (tag, step) once, with the uninterrupted run’s values', async () => {
    const dir = join(logdir, 'open-tb');
    await runChild(['train', `${dir}::straight`, LONG]);
    const tail = new RunTail(join(dir, 'killed'));
    const rule = new RestartRule();
    let held: DecodedEvent[] = [];
    const reload = async () => {
      for (const event of (await tail.poll()).events) {
        const step = rule.restartStep(event);
        if (step !== undefined) held = held.filter((e) => !e.summary || e.step < step);
        held.push(event);
      }
    };
    const { killed } = await runChild(['train', `${dir}::killed`, LONG], (line) => line === 'batch 3 4');
    expect(killed).toBe(true);
    await reload();
    // As if the kill had landed after epoch 2's events were flushed but before its checkpoint was saved:
    // the resume starts from epoch 1, and epoch 2's events (and the batch losses after it) are orphans.
    const checkpoints = runPaths(join(dir, 'killed')).checkpoints;
    for (const f of ['latest.ckpt', 'epoch-0002.ckpt']) rmSync(join(checkpoints, f), { force: true });
    const heldBefore = scalarsOf(held);
    expect(heldBefore.has('val/loss@2')).toBe(true);
    await runChild(['resume', join(dir, 'killed')]);
    await reload();
    const straight = scalarsOf((await readRunDirectory(join(dir, 'straight'))).events);
    const resumed = scalarsOf(held);
    expect([...resumed.keys()].sort()).toEqual([...straight.keys()].sort());
    for (const [key, value] of straight) expect(resumed.get(key), key).toBe(value);
    // A fresh read (TensorBoard restarted) sees the same.
    expect(scalarsOf((await readRunDirectory(join(dir, 'killed'))).events)).toEqual(resumed);
  });
});

describe('extending a finished run with --epochs', () => {
  it('writes its new hparams (epochs) as the only session, one session end and one diagnosis, and leaves the metrics files as they were', async () => {
    const runDir = (await train({ ...QUICK, logdir, name: 'extended' })).runDir;
    await evaluateRun(runDir);
    const before = eventFileSizes(runDir);
    const metricsFiles = Object.keys(before).filter((f) => before[f]! > 1000);
    const beforeBytes = Object.fromEntries(metricsFiles.map((f) => [f, readFileSync(join(runDir, f))]));
    await resumeRun(runDir, { epochs: 3 });
    const { events } = await readRunDirectory(runDir);
    const values = events.flatMap((e) => e.summary?.values ?? []);
    const starts = values.filter((v) => v.tag === '_hparams_/session_start_info');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.kind === 'hparams' && starts[0]!.data.sessionStartInfo?.hparams.epochs).toBe(3);
    expect(values.filter((v) => v.tag === '_hparams_/session_end_info')).toHaveLength(1);
    expect(tagsOf(events).filter((t) => t.startsWith('summary/diagnosis'))).toEqual(['summary/diagnosis@3']);
    expect(tagsOf(events).filter((t) => t.startsWith('val/loss'))).toEqual(['val/loss@1', 'val/loss@2', 'val/loss@3']);
    expect(tagsOf(events).filter((t) => t.startsWith('test/loss'))).toHaveLength(1);
    expect(duplicates(events)).toEqual([]);
    for (const f of metricsFiles) expect(Buffer.compare(readFileSync(join(runDir, f)), beforeBytes[f]!)).toBe(0);
  });
});

describe('histograms and images for TensorBoard’s Histograms, Distributions and Images tabs', () => {
  it('logs every layer’s weights and gradients every n epochs with their cost, the misclassified validation images, and evaluate’s confusion matrix', async () => {
    const { runDir, report } = await train({ ...QUICK, epochs: 2, histograms: 2, logdir, name: 'histograms' });
    await evaluateRun(runDir);
    const { events } = await readRunDirectory(runDir);
    const at = (kind: string, prefix: string) => events.flatMap((e) => (e.summary?.values ?? []).filter((v) => v.kind === kind && v.tag.startsWith(prefix)).map((v) => `${v.tag}@${e.step}`));
    const weights = at('histogram', 'weights/'), gradients = at('histogram', 'gradients/');
    expect(weights.length).toBeGreaterThan(0);
    expect(weights.every((t) => t.endsWith('@2'))).toBe(true);
    expect(gradients.length).toBeGreaterThan(0);
    expect(gradients.every((t) => t.endsWith('@2'))).toBe(true);
    expect(at('scalar', 'perf/histogram_seconds')).toEqual(['perf/histogram_seconds@2']);
    expect(at('image', 'summary/misclassified')).toEqual(['summary/misclassified@2']);
    const labels = events.flatMap((e) => e.summary?.values ?? []).find((v) => v.tag === 'summary/misclassified_labels');
    expect(labels?.kind === 'text' && [labels.text].flat().join('')).toMatch(/1\. \(row 1, column 1\) image \d+: true \*\*/);
    expect(at('image', 'test/confusion_matrix')).toEqual([`test/confusion_matrix@${readReport(runDir).test!.epoch}`]);
    const table = events.flatMap((e) => e.summary?.values ?? []).find((v) => v.tag === 'test/confusion_table');
    expect(table?.kind === 'text' && [table.text].flat().join('').split('\n')).toHaveLength(2 + readReport(runDir).test!.classes.length);
    expect(report.status).toBe('finished');
  });
});
