import '@cnnlab/arch-lenet';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDirectory } from '@cnnlab/tfevents';
import { readReport } from '@cnnlab/trainer';
import {
  firstMedianStop, formatSweepReport, medianRuleDecision, planTrials, rankTrials, readSweep, runSweep, validateSweepSpec,
  type SweepSpecInput, type SweepState,
} from '../src/index.js';
import { GRID_SPEC, TINY } from './helpers/specs.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'cnnlab-sweep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The hparams each run logged for TensorBoard's HParams plugin, and the tags of its scalars. */
async function eventsOf(runDir: string) {
  const { events } = await readRunDirectory(runDir);
  let hparams: Record<string, unknown> | null = null;
  const scalars = new Map<string, number[]>();
  for (const e of events) for (const v of e.summary?.values ?? []) {
    if (v.kind === 'hparams' && v.data.sessionStartInfo) hparams = v.data.sessionStartInfo.hparams;
    if (v.kind === 'scalar') scalars.set(v.tag, [...(scalars.get(v.tag) ?? []), e.step]);
  }
  return { hparams, scalars };
}

const valLosses = (s: SweepState) => Object.fromEntries(s.trials.map((t) => [t.name, t.history.map((h) => h.valLoss)]));

/** Only the chosen trial was measured on the test split. */
async function expectTestOnlyOnBest(dir: string, state: SweepState) {
  for (const t of state.trials) {
    const chosen = t.name === state.best!.trial;
    expect(readReport(join(dir, t.dir)).test !== undefined, t.name).toBe(chosen);
    expect((await eventsOf(join(dir, t.dir))).scalars.has('test/accuracy'), t.name).toBe(chosen);
  }
  expect(state.best!.test!.accuracy).toBe(readReport(join(dir, state.best!.trial)).test!.accuracy);
}

describe('grid sweep', () => {
  const dir = join(root, 'grid');
  let state: SweepState;
  beforeAll(async () => {
    state = await runSweep(GRID_SPEC, { dir });
  });

  it('runs every combination as a normal run directory with its hparams in TensorBoard', async () => {
    expect(state.status).toBe('finished');
    expect(readdirSync(dir).filter((f) => f.startsWith('trial-')).sort()).toEqual(['trial-000', 'trial-001', 'trial-002', 'trial-003']);
    for (const t of state.trials) {
      expect(t.status).toBe('finished');
      expect(t.history.map((h) => h.epoch)).toEqual([1, 2]);
      const report = readReport(join(dir, t.dir));
      expect(report.status).toBe('finished');
      expect(report.history.map((h) => h.valLoss)).toEqual(t.history.map((h) => h.valLoss));
      const { hparams, scalars } = await eventsOf(join(dir, t.dir));
      expect(hparams).toMatchObject({ arch: 'bn-lenet', lr: t.params.lr, 'arch.normPosition': t.params['archOptions.normPosition'] });
      expect(scalars.get('val/loss')!.sort()).toEqual([1, 2]);
    }
    expect(readSweep(dir)).toEqual(state);
  });

  it('chooses on validation loss and evaluates the test split once, for the chosen trial only', async () => {
    const ranked = rankTrials(state);
    const losses = ranked.map((t) => t.value!);
    expect([...losses].sort((a, b) => a - b)).toEqual(losses);
    expect(state.best!.trial).toBe(ranked[0]!.name);
    expect(state.best!.value).toBe(Math.min(...state.trials.map((t) => Math.min(...t.history.map((h) => h.valLoss)))));
    await expectTestOnlyOnBest(dir, state);
    const text = formatSweepReport(state, dir);
    expect(text).toMatch(/rank\s+trial\s+status\s+lr\s+archOptions\.normPosition\s+epochs\s+best val loss\s+best val acc\s+params\s+test acc/);
    expect(text).toContain(`Best configuration: ${state.best!.trial}: lr=${state.best!.params.lr}, archOptions.normPosition=${state.best!.params['archOptions.normPosition']}`);
    expect(text).toMatch(/test split \(evaluated once, for this trial only, after the sweep\): loss \d\.\d{4}, accuracy \d\.\d{4}/);
    expect(text.split('\n').find((l) => l.trimStart().startsWith('1 '))).toContain(state.best!.trial);
  });

  it('does nothing again when started again, and refuses a different spec in the same directory', async () => {
    const again = await runSweep({ ...GRID_SPEC, name: 'renamed' }, { dir });
    expect(again.trials.map((t) => t.resumes)).toEqual([0, 0, 0, 0]);
    expect(again.best).toEqual(state.best);
    await expect(runSweep({ ...GRID_SPEC, parameters: { ...GRID_SPEC.parameters, lr: { values: [0.1, 0.6] } } }, { dir }))
      .rejects.toThrow(/holds a sweep with a different spec \(it differs at "parameters\.lr\.values\[1\]"\)/);
  });

  it('survives SIGKILL mid-trial: the restart resumes the half-finished trial, runs the rest once, and gets the same results', async () => {
    const killedDir = join(root, 'killed');
    const killed = await new Promise<boolean>((resolve, reject) => {
      // One process (no tsx wrapper), so that SIGKILL hits the process that trains.
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', join(here, 'helpers/sweep-child.ts'), killedDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let buffer = '', stderr = '', done = false;
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        if (!done && lines.includes('batch trial-001 2 3')) {
          done = true;
          child.kill('SIGKILL');
        }
      });
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code, signal) => (done && signal === 'SIGKILL' ? resolve(true) : reject(new Error(`child exited with ${code ?? signal}: ${stderr.slice(-2000)}`))));
    });
    expect(killed).toBe(true);
    const before = readSweep(killedDir);
    expect(before.trials.map((t) => t.status)).toEqual(['finished', 'running', 'pending', 'pending']);
    const firstStarted = readReport(join(killedDir, 'trial-000')).startedAt;

    const actions: string[] = [];
    const after = await runSweep(GRID_SPEC, { dir: killedDir, hooks: { onTrialStart: (t, info) => actions.push(`${t.name} ${info.action}`) } });
    expect(actions).toEqual(['trial-001 resume', 'trial-002 train', 'trial-003 train']);
    expect(after.status).toBe('finished');
    expect(after.trials.map((t) => readReport(join(killedDir, t.dir)).resumes)).toEqual([0, 1, 0, 0]);
    expect(readReport(join(killedDir, 'trial-000')).startedAt).toBe(firstStarted);
    // Exactly the results of the uninterrupted sweep (the trainer is deterministic on wasm).
    expect(valLosses(after)).toEqual(valLosses(state));
    expect(after.best!.trial).toBe(state.best!.trial);
    expect(after.best!.test).toMatchObject({ loss: state.best!.test!.loss, accuracy: state.best!.test!.accuracy });
    // Every epoch logged exactly once across the run's event files (the resumed run writes a new file).
    expect((await eventsOf(join(killedDir, 'trial-001'))).scalars.get('val/loss')!.sort()).toEqual([1, 2]);
    await expectTestOnlyOnBest(killedDir, after);
  });
});

describe('random sweep', () => {
  const spec: SweepSpecInput = {
    method: 'random', trials: 3, seed: 11, metric: 'valAcc',
    base: { arch: 'lenet', epochs: 1, ...TINY, optimizer: { name: 'sgd' } },
    parameters: { lr: { min: 0.05, max: 1, log: true }, 'optimizer.momentum': { min: 0, max: 0.9 }, batchSize: { choice: [16, 32] } },
  };

  it('runs the seeded trials and ranks them by validation accuracy', async () => {
    const dir = join(root, 'random');
    const state = await runSweep(spec, { dir });
    expect(state.trials.map((t) => t.params)).toEqual(planTrials(validateSweepSpec(spec)).map((t) => t.params));
    expect(state.trials.every((t) => t.status === 'finished')).toBe(true);
    const ranked = rankTrials(state).map((t) => t.value!);
    expect([...ranked].sort((a, b) => b - a)).toEqual(ranked);
    expect(state.best!.value).toBe(ranked[0]);
    for (const t of state.trials) {
      const { hparams } = await eventsOf(join(dir, t.dir));
      expect(hparams).toMatchObject({ lr: t.params.lr, momentum: t.params['optimizer.momentum'], batch_size: t.params.batchSize });
    }
    await expectTestOnlyOnBest(dir, state);
    expect(formatSweepReport(state)).toMatch(/random \(seed 11\), 3 trials; ranked by best validation accuracy \(higher is better\)/);
  });
});

describe('pruning', () => {
  it('median rule: stops the trials that fall behind the completed ones, replaying to the same decisions', async () => {
    const spec: SweepSpecInput = {
      method: 'grid', pruning: { rule: 'median', warmup: 1, minTrials: 1 },
      base: { arch: 'bn-lenet', epochs: 3, ...TINY },
      parameters: { lr: { values: [0.3, 0.0003, 0.1, 0.001] } },
    };
    const dir = join(root, 'median');
    const state = await runSweep(spec, { dir });
    const rule = { metric: 'valLoss' as const, warmup: 1, minTrials: 1, epochs: 3 };
    // Each decision follows from the recorded losses of the trial and of the trials completed before it.
    for (const t of state.trials) {
      const completed = state.trials.filter((o) => o.index < t.index && o.status === 'finished').map((o) => o.history.map((h) => h.valLoss));
      const series = t.history.map((h) => h.valLoss);
      const stop = firstMedianStop(series, completed, rule);
      if (t.status === 'pruned') {
        expect(stop?.epoch, t.name).toBe(t.stopped!.epoch);
        expect(t.history).toHaveLength(t.stopped!.epoch);
        expect(readReport(join(dir, t.dir)).message).toMatch(/Stopped by sweep median after epoch \d: median rule/);
      } else {
        expect(t.status).toBe('finished');
        expect(stop, t.name).toBeNull();
        expect(series).toHaveLength(3);
      }
    }
    expect(state.trials[0]!.status).toBe('finished');
    // The tiny learning rates fall behind: stopped after the first epoch past the warm-up.
    // The tiny learning rates fall behind: stopped after the first epoch past the warm-up (deterministic on wasm).
    expect(state.trials.map((t) => `${t.params.lr} ${t.status}${t.stopped ? `@${t.stopped.epoch}` : ''}`)).toEqual(['0.3 finished', '0.0003 pruned@2', '0.1 finished', '0.001 pruned@2']);
    expect(medianRuleDecision(state.trials[1]!.history.map((h) => h.valLoss), [state.trials[0]!.history.map((h) => h.valLoss)], rule).stop).toBe(true);
    await expectTestOnlyOnBest(dir, state);
    expect(state.trials.find((t) => t.name === state.best!.trial)!.status).toBe('finished');

    // A kill right after the trainer recorded epoch 2 of trial-001, before anything else was saved:
    // the restart replays the median rule on the recorded losses instead of training on.
    const replay = join(root, 'median-replay');
    cpSync(dir, replay, { recursive: true });
    const saved = readSweep(replay);
    saved.status = 'running';
    saved.best = null;
    saved.trials.forEach((t, i) => {
      if (i === 0) return;
      t.status = i === 1 ? 'running' : 'pending';
      delete t.stopped;
      t.history = [];
    });
    writeFileSync(join(replay, 'sweep.json'), JSON.stringify(saved));
    const report = JSON.parse(readFileSync(join(replay, 'trial-001', 'report.json'), 'utf8')) as { status: string };
    writeFileSync(join(replay, 'trial-001', 'report.json'), JSON.stringify({ ...report, status: 'running' }));
    const started: string[] = [];
    const replayed = await runSweep(spec, { dir: replay, hooks: { onTrialStart: (t) => started.push(t.name) } });
    expect(started).toEqual([]);
    expect(replayed.trials.map((t) => [t.status, t.stopped?.epoch, t.value])).toEqual(state.trials.map((t) => [t.status, t.stopped?.epoch, t.value]));
    expect(replayed.best).toEqual(state.best);
  });

  it('successive halving: trains all for r epochs, continues the best 1/η by resuming their runs', async () => {
    const spec: SweepSpecInput = {
      method: 'grid', pruning: { rule: 'halving', eta: 2, minEpochs: 1, maxEpochs: 2 },
      base: { arch: 'bn-lenet', ...TINY },
      parameters: { lr: { values: [0.3, 0.0003, 0.1, 0.001] } },
    };
    const dir = join(root, 'halving');
    const state = await runSweep(spec, { dir });
    expect(state.rungs).toEqual([1, 2]);
    const firstEpoch = state.trials.map((t) => ({ name: t.name, loss: t.history[0]!.valLoss }));
    const expected = [...firstEpoch].sort((a, b) => a.loss - b.loss).slice(0, 2).map((t) => t.name).sort();
    const promoted = state.trials.filter((t) => t.rung === 1).map((t) => t.name);
    expect(promoted).toEqual(expected);
    for (const t of state.trials) {
      const report = readReport(join(dir, t.dir));
      if (promoted.includes(t.name)) {
        expect([t.status, t.epochsDone, report.history.length, report.resumes, report.epochsPlanned]).toEqual(['finished', 2, 2, 1, 2]);
      } else {
        expect([t.status, t.epochsDone, report.history.length, report.resumes, t.stopped?.rule]).toEqual(['pruned', 1, 1, 0, 'halving']);
      }
    }
    expect(promoted).toContain(state.best!.trial);
    await expectTestOnlyOnBest(dir, state);
    expect(formatSweepReport(state)).toMatch(/successive halving η=2 over rungs of 1, 2 epochs/);
  });
});
