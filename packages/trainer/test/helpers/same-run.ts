import { join } from 'node:path';
import { expect } from 'vitest';
import { readRunDirectory } from '@cnnlab/tfevents';
import { CheckpointStore, type LoopState } from '../../src/index.js';

/** The newest checkpoint of a run (tensors and loop state). */
export function finalState(runDir: string) {
  const { checkpoint } = new CheckpointStore(join(runDir, 'checkpoints')).loadNewest<LoopState>((a, b) => a.globalStep > b.globalStep)!;
  return checkpoint;
}

/** Weights, optimizer slots and metrics must be equal bit for bit (times differ). */
export function expectSameRun(a: string, b: string) {
  const ca = finalState(a), cb = finalState(b);
  expect(cb.tensors.map((t) => t.name)).toEqual(ca.tensors.map((t) => t.name));
  ca.tensors.forEach((t, i) => expect(Buffer.from(cb.tensors[i]!.values.buffer).equals(Buffer.from(t.values.buffer)), t.name).toBe(true));
  const strip = (s: LoopState) => s.history.map(({ seconds, imagesPerSecond, ...m }) => m);
  expect(strip(cb.state)).toEqual(strip(ca.state));
  expect(cb.state.globalStep).toBe(ca.state.globalStep);
}

/** Each (tag, step) appears exactly once across the run's event files, hparams and summary records included. */
export async function expectNoDuplicateSteps(runDir: string, epochs: number) {
  const { events } = await readRunDirectory(runDir);
  const seen = new Map<string, number>();
  for (const e of events) for (const v of e.summary?.values ?? []) {
    const key = `${v.tag}@${e.step}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
  for (let epoch = 1; epoch <= epochs; epoch++) expect(seen.get(`val/loss@${epoch}`), `val/loss at epoch ${epoch}`).toBe(1);
}
