import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRestarts, readRunDirectory, RestartRule, RunTail, SummaryWriter, type DecodedEvent } from '../src/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();

const steps = (events: DecodedEvent[], tag: string) =>
  events.filter((e) => e.summary?.values.some((v) => v.tag === tag)).map((e) => e.step);

/** A run killed after step 3 of `val/loss` and 30 of `batch/loss`, resumed from its step-2 checkpoint (batch step 20). */
function killed(runDir: string): void {
  const first = new SummaryWriter(runDir, { flushIntervalMs: 0 });
  first.sessionStartLog(0);
  for (let epoch = 1; epoch <= 3; epoch++) {
    for (let b = 1; b <= 10; b++) first.scalar('batch/loss', epoch * 100 + b, (epoch - 1) * 10 + b);
    first.scalar('val/loss', epoch, epoch);
  }
  first.close();
}

function resumed(runDir: string): void {
  const resumed = new SummaryWriter(runDir, { flushIntervalMs: 0 });
  // The restart at step 3 also drops batch steps 3..30; the resumer writes the ones it keeps (3..20) again.
  resumed.sessionStartLog(3);
  for (let s = 3; s <= 20; s++) resumed.scalar('batch/loss', -s, s);
  for (let epoch = 3; epoch <= 4; epoch++) {
    for (let b = 1; b <= 10; b++) resumed.scalar('batch/loss', epoch * 1000 + b, (epoch - 1) * 10 + b);
    resumed.scalar('val/loss', epoch * 10, epoch);
  }
  resumed.close();
}

function killedAndResumed(runDir: string): void {
  killed(runDir);
  resumed(runDir);
}

describe('restarts: SessionLog START as TensorBoard applies it', () => {
  it('takes the first START as the run start and a later one as a restart at its step', () => {
    const rule = new RestartRule();
    const start = (step: number): DecodedEvent => ({ wallTime: 1, step, sessionLog: { status: 'start' } });
    expect(rule.restartStep(start(0))).toBeUndefined();
    expect(rule.restartStep({ wallTime: 1, step: 5, sessionLog: { status: 'checkpoint' } })).toBeUndefined();
    expect(rule.restartStep(start(4))).toBe(4);
    expect(rule.restartStep(start(7))).toBe(7);
  });

  it('drops summaries at or after the restart step that were read before it, keeps later ones and non-summaries', () => {
    const runDir = join(dir, 'run');
    killedAndResumed(runDir);
    return readRunDirectory(runDir).then(({ events }) => {
      expect(steps(events, 'val/loss')).toEqual([1, 2, 3, 4]);
      const batch = steps(events, 'batch/loss');
      expect(batch).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(batch).size).toBe(batch.length);
      expect(events.filter((e) => e.fileVersion).length).toBe(2);
    });
  });

  it('keeps everything with keepOrphans', async () => {
    const runDir = join(dir, 'run2');
    killedAndResumed(runDir);
    const { events } = await readRunDirectory(runDir, { keepOrphans: true });
    expect(steps(events, 'val/loss')).toEqual([1, 2, 3, 3, 4]);
  });

  it('gives the same result read incrementally, file by file, as a TensorBoard left open does', async () => {
    const runDir = join(dir, 'run3');
    const tail = new RunTail(runDir);
    const held: DecodedEvent[] = [];
    const rule = new RestartRule();
    const poll = async () => {
      for (const event of (await tail.poll()).events) {
        const step = rule.restartStep(event);
        if (step !== undefined) held.splice(0, held.length, ...held.filter((e) => !e.summary || e.step < step));
        held.push(event);
      }
    };
    killed(runDir);
    await poll();
    expect(steps(held, 'val/loss')).toEqual([1, 2, 3]);
    resumed(runDir);
    await poll();
    expect(steps(held, 'val/loss')).toEqual([1, 2, 3, 4]);
    expect(steps(held, 'batch/loss')).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(applyRestarts(held).length).toBe(held.length);
  });
});
