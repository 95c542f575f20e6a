import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDirectory, SummaryWriter, type DecodedEvent } from '@cnnlab/tfevents';
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

  it('a new run is its own HParams session group (its path in the logdir) and overlays train and val curves with a custom-scalars layout', async () => {
    const { events } = await readRunDirectory(finished);
    const values = events.flatMap((e) => e.summary?.values ?? []);
    const start = values.find((v) => v.tag === '_hparams_/session_start_info');
    expect(start?.kind === 'hparams' && start.data.sessionStartInfo?.groupName).toBe('finished');
    expect(values.filter((v) => v.tag === 'custom_scalars__config__')).toHaveLength(1);
    const nested = (await train({ ...QUICK, epochs: 1, logdir, name: 'study/trial-1' })).runDir;
    const nestedStart = (await readRunDirectory(nested)).events.flatMap((e) => e.summary?.values ?? []).find((v) => v.tag === '_hparams_/session_start_info');
    expect(nestedStart?.kind === 'hparams' && nestedStart.data.sessionStartInfo?.groupName).toBe('study/trial-1');
  });

  it('a resume after a kill that landed before the session was written writes it, with the run’s group', async () => {
    const runDir = (await train({ ...QUICK, epochs: 1, logdir, name: 'sweep-x/trial-7' })).runDir;
    for (const file of Object.keys(eventFileSizes(runDir))) rmSync(join(runDir, file));
    setStatus(runDir, 'interrupted');
    await resumeRun(runDir);
    const { events } = await readRunDirectory(runDir);
    const starts = events.flatMap((e) => e.summary?.values ?? []).filter((v) => v.tag === '_hparams_/session_start_info');
    expect(starts.map((v) => v.kind === 'hparams' && v.data.sessionStartInfo?.groupName)).toEqual(['sweep-x/trial-7']);
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
    // The stubs are gone; every file left holds data (the resume's own file holds the new session end).
    const files = Object.keys(eventFileSizes(runDir));
    expect(files).not.toContain(stub.path.split('/').pop());
    expect(files).not.toContain('events.out.tfevents.0000000001.host.1.0');
    expect(files.filter((f) => withData.includes(f))).toEqual(withData);
    expect(files.length).toBeLessThanOrEqual(withData.length + 1);
  });

  it('evaluate --force writes test/loss and test/accuracy of a step once', async () => {
    const first = await evaluateRun(finished);
    const log: string[] = [];
    const again = await evaluateRun(finished, { force: true, log: (m) => log.push(m) });
    expect(again.epoch).toBe(first.epoch);
    expect(again.accuracy).toBe(first.accuracy);
    expect(log.join('\n')).toMatch(/already hold test metrics of epoch \d/);
    const tags = tagsOf((await readRunDirectory(finished)).events);
    expect(tags.filter((t) => t.startsWith('test/'))).toEqual([`test/loss@${first.epoch}`, `test/accuracy@${first.epoch}`]);
    expect(readReport(finished).test?.accuracy).toBe(again.accuracy);
  });
});


describe('two processes training into one logdir at once', () => {
  it('each run decodes undamaged, once per (tag, step), as its own HParams group with the same experiment record', async () => {
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
    expect(hparams.map((h) => h.group)).toEqual(['a', 'b']);
    expect(hparams[0]!.experiments).toHaveLength(1);
    expect(hparams[1]!.experiments).toEqual(hparams[0]!.experiments);
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
