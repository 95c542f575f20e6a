import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore, readReport, resumeRun, train, type LoopState } from '../src/index.js';
import { TEST_RUN } from './helpers/test-arch.js';
import { runChild } from './helpers/run-child.js';
import { expectNoDuplicateSteps, expectSameRun, finalState } from './helpers/same-run.js';

let logdir: string;

beforeAll(() => {
  logdir = mkdtempSync(join(tmpdir(), 'cnnlab-resume-'));
});
afterAll(() => rmSync(logdir, { recursive: true, force: true }));

describe('exact resume', () => {
  let reference: string;
  beforeAll(async () => {
    reference = (await train({ ...TEST_RUN, logdir, name: 'reference' })).runDir;
  });

  it('a run killed with SIGKILL mid-epoch and resumed ends with the same weights and metrics, bit for bit', async () => {
    const runDir = join(logdir, 'killed');
    const { killed } = await runChild(['train', `${logdir}::killed`], (line) => line === 'batch 2 7');
    expect(killed).toBe(true);
    expect(readReport(runDir).status).toBe('running'); // the process had no chance to say anything
    await resumeRun(runDir);
    expect(readReport(runDir).status).toBe('finished');
    expect(readReport(runDir).resumes).toBe(1);
    expectSameRun(reference, runDir);
    await expectNoDuplicateSteps(runDir, TEST_RUN.epochs);
  });

  it('with --ema, a run killed with SIGKILL mid-epoch and resumed ends with the same weights, EMA shadow and metrics, bit for bit', async () => {
    const ema = { ema: 0.99 };
    const uninterrupted = (await train({ ...TEST_RUN, ...ema, logdir, name: 'ema-reference' })).runDir;
    const runDir = join(logdir, 'ema-killed');
    const { killed } = await runChild(['train', `${logdir}::ema-killed`, JSON.stringify(ema)], (line) => line === 'batch 2 5');
    expect(killed).toBe(true);
    await resumeRun(runDir);
    expect(readReport(runDir).status).toBe('finished');
    expect(finalState(runDir).tensors.filter((t) => t.name.startsWith('ema/')).length).toBeGreaterThan(0);
    expectSameRun(uninterrupted, runDir);
    // The best checkpoint (the EMA weights are what the best epoch keeps) is the same too.
    const best = (dir: string) => new CheckpointStore(join(dir, 'checkpoints')).loadBest<LoopState>()!.tensors.filter((t) => t.name.startsWith('ema/'));
    best(uninterrupted).forEach((t, i) => expect(Buffer.from(best(runDir)[i]!.values.buffer).equals(Buffer.from(t.values.buffer)), t.name).toBe(true));
  });

  it('a run interrupted (Ctrl-C) mid-epoch checkpoints there and resumes exactly', async () => {
    const controller = new AbortController();
    const first = await train({ ...TEST_RUN, logdir, name: 'interrupted' }, {
      signal: controller.signal,
      onBatch: (p) => { if (p.epoch === 2 && p.batch === 4) controller.abort(); },
    });
    expect(first.report.status).toBe('interrupted');
    expect(first.report.message).toMatch(/Interrupted in epoch 2 at batch 4; continue with --resume/);
    const state = finalState(first.runDir).state;
    expect([state.epoch, state.batch]).toEqual([1, 4]);
    await resumeRun(first.runDir);
    expectSameRun(reference, first.runDir);
    await expectNoDuplicateSteps(first.runDir, TEST_RUN.epochs);
  });

  it('a torn latest checkpoint is ignored: the newest valid periodic one is used', async () => {
    const run = await train({ ...TEST_RUN, epochs: 2, checkpoint: { every: 1, keep: 5 }, logdir, name: 'torn' });
    const latest = join(run.runDir, 'checkpoints', 'latest.ckpt');
    truncateSync(latest, Math.floor(statSync(latest).size / 2));
    const logs: string[] = [];
    await resumeRun(run.runDir, { epochs: 3 }, { log: (m) => logs.push(m) });
    expect(logs.join('\n')).toMatch(/Skipped checkpoint latest.ckpt: .* damaged or incomplete/);
    expectSameRun(reference, run.runDir);
  });

  it('keeps only the configured number of periodic checkpoints', async () => {
    const run = await train({ ...TEST_RUN, epochs: 3, checkpoint: { every: 1, keep: 2 }, logdir, name: 'retention' });
    expect(readdirSync(join(run.runDir, 'checkpoints')).filter((f) => !f.startsWith('.')).sort()).toEqual(['best.ckpt', 'epoch-0002.ckpt', 'epoch-0003.ckpt', 'latest.ckpt']);
    expect(existsSync(join(run.runDir, 'best-model', 'model.json'))).toBe(true);
  });
});
