import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EventFileTail, listEventFiles, RunTail, SummaryWriter } from '../src/index.js';
import { tempDir } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether an object is still reachable from anything but `ref` after a full collection. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5 && ref.deref(); i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return ref.deref() === undefined;
}

describe('tails keep no events they returned', () => {
  it('EventFileTail and RunTail let a poll\'s events be collected once the caller drops them', async () => {
    const dir = join(tempDir(), 'run');
    const writer = new SummaryWriter(dir, { flushIntervalMs: 0 });
    for (let step = 1; step <= 20; step++) writer.scalar('loss', 1 / step, step);
    writer.close();
    const [file] = await listEventFiles(dir);
    const tail = new EventFileTail(file!);
    const runTail = new RunTail(dir);
    const refs = await (async () => {
      const a = await tail.poll();
      const b = await runTail.poll();
      expect(a.events.length).toBeGreaterThan(20);
      return [new WeakRef(a.events), new WeakRef(b.events)];
    })();
    expect(await collected(refs[0]!)).toBe(true);
    expect(await collected(refs[1]!)).toBe(true);
    // Still usable: the next poll has nothing new.
    expect((await tail.poll()).events).toEqual([]);
  });
});
