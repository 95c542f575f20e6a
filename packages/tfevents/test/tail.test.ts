import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventFileTail, RunTail, SummaryWriter } from '../src/index.js';
import { splitRecords, tempDir } from './helpers.js';

const dir = tempDir();

/** The bytes of a file of file_version + scalars for steps 1..n, and its record offsets. */
function sourceFile(n: number): { bytes: Buffer; offsets: number[] } {
  const writer = new SummaryWriter(join(dir, `source-${n}`), { flushIntervalMs: 0 });
  for (let step = 1; step <= n; step++) writer.scalar('loss', step, step);
  writer.close();
  const bytes = readFileSync(writer.path);
  return { bytes, offsets: splitRecords(bytes).map((r) => r.offset) };
}

describe('EventFileTail', () => {
  it('returns only new events on each poll, and retries a record cut in the middle', async () => {
    const { bytes, offsets } = sourceFile(6);
    const path = join(dir, 'events.out.tfevents.1700000000.tail.1.0');
    const tail = new EventFileTail(path);

    expect(await tail.poll()).toEqual({ events: [], damage: [], pendingBytes: 0, restarted: false, more: false });

    // A writer mid-way through record 3: its first 5 bytes are there.
    writeFileSync(path, bytes.subarray(0, offsets[3]! + 5));
    const first = await tail.poll();
    expect(first.events.map((e) => e.step)).toEqual([0, 1, 2]);
    expect(first.damage).toEqual([]);
    expect(first.pendingBytes).toBe(5);
    expect(tail.offset).toBe(offsets[3]);

    const nothingNew = await tail.poll();
    expect(nothingNew.events).toEqual([]);
    expect(nothingNew.pendingBytes).toBe(5);

    appendFileSync(path, bytes.subarray(offsets[3]! + 5, offsets[5]! + 14));
    const second = await tail.poll();
    expect(second.events.map((e) => e.step)).toEqual([3, 4]);
    expect(second.pendingBytes).toBe(14);

    appendFileSync(path, bytes.subarray(offsets[5]! + 14));
    const third = await tail.poll();
    expect(third.events.map((e) => e.step)).toEqual([5, 6]);
    expect(third.pendingBytes).toBe(0);
    expect(tail.offset).toBe(bytes.length);
    expect(tail.damage).toEqual([]);
  });

  it('follows a live SummaryWriter', async () => {
    const writer = new SummaryWriter(join(dir, 'live'), { flushIntervalMs: 0 });
    const tail = new EventFileTail(writer.path, { chunkSize: 64 });
    const seen: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) writer.scalar('x', round * 20 + i, round * 20 + i);
      writer.flush();
      const { events } = await tail.poll();
      seen.push(...events.map((e) => e.step));
    }
    writer.close();
    expect(seen).toEqual([0, ...Array.from({ length: 100 }, (_, i) => i)]);
  });

  it('serialises concurrent polls: every event is returned exactly once', async () => {
    const { bytes } = sourceFile(30);
    const path = join(dir, 'events.out.tfevents.1700000000.tail.1.1');
    writeFileSync(path, bytes);
    const tail = new EventFileTail(path, { chunkSize: 32 });
    const results = await Promise.all([tail.poll(), tail.poll(), tail.poll()]);
    expect(results.flatMap((r) => r.events.map((e) => e.step))).toEqual(Array.from({ length: 31 }, (_, i) => i));
  });

  it('reads a long file in parts of maxBytesPerPoll, every event once and in order', async () => {
    const { bytes } = sourceFile(500);
    const path = join(dir, 'events.out.tfevents.1700000000.tail.1.budget');
    writeFileSync(path, bytes);
    const tail = new EventFileTail(path, { chunkSize: 256, maxBytesPerPoll: 1024 });
    const steps: number[] = [];
    let polls = 0;
    for (let more = true; more; polls++) {
      const result = await tail.poll();
      expect(result.pendingBytes).toBe(0);
      expect(result.events.length).toBeLessThan(60);
      steps.push(...result.events.map((e) => e.step));
      more = result.more;
    }
    expect(steps).toEqual(Array.from({ length: 501 }, (_, i) => i));
    expect(polls).toBeGreaterThan(bytes.length / 1024 - 1);
    expect(tail.offset).toBe(bytes.length);
    expect((await tail.poll()).more).toBe(false);
  });

  it('reports a corrupt record once and goes on', async () => {
    const { bytes, offsets } = sourceFile(4);
    const damaged = Buffer.from(bytes);
    damaged[offsets[2]! + 12 + 3] ^= 0xff;
    const path = join(dir, 'events.out.tfevents.1700000000.tail.1.2');
    writeFileSync(path, damaged);
    const tail = new EventFileTail(path);
    const first = await tail.poll();
    expect(first.events.map((e) => e.step)).toEqual([0, 1, 3, 4]);
    expect(first.damage.map((d) => [d.kind, d.offset])).toEqual([['bad-data-crc', offsets[2]]]);
    expect((await tail.poll()).damage).toEqual([]);
    expect(tail.damage).toHaveLength(1);
  });

  it('starts over when the file shrinks (replaced)', async () => {
    const { bytes } = sourceFile(3);
    const path = join(dir, 'events.out.tfevents.1700000000.tail.1.3');
    writeFileSync(path, bytes);
    const tail = new EventFileTail(path);
    expect((await tail.poll()).events).toHaveLength(4);
    const small = sourceFile(1).bytes;
    writeFileSync(path, small);
    const again = await tail.poll();
    expect(again.restarted).toBe(true);
    expect(again.events.map((e) => e.step)).toEqual([0, 1]);
  });
});

describe('RunTail', () => {
  it('picks up new event files of a run and reads them in name order', async () => {
    const run = join(dir, 'run-tail');
    mkdirSync(run);
    const tail = new RunTail(run);
    expect(await tail.poll()).toEqual({ events: [], damage: [], newFiles: [] });

    const a = sourceFile(2).bytes;
    const b = sourceFile(3).bytes;
    const first = join(run, 'events.out.tfevents.1700000000.host.1.0');
    const second = join(run, 'events.out.tfevents.1700000100.host.2.0');
    writeFileSync(first, a);
    const r1 = await tail.poll();
    expect(r1.newFiles).toEqual([first]);
    expect(r1.events.map((e) => e.step)).toEqual([0, 1, 2]);

    writeFileSync(second, b);
    const r2 = await tail.poll();
    expect(r2.newFiles).toEqual([second]);
    expect(r2.events.map((e) => [e.file, e.step])).toEqual([0, 1, 2, 3].map((s) => [second, s]));
    expect(tail.files).toEqual([first, second]);
    expect((await tail.poll()).events).toEqual([]);
  });
});

describe('decodeIf', () => {
  it('decodes only the records it accepts, and still reads on past the others', async () => {
    const dir = tempDir();
    const writer = new SummaryWriter(dir, { flushIntervalMs: 0 });
    for (let step = 1; step <= 5; step++) writer.scalar('loss', 1 / step, step);
    writer.text('note', 'kept', 6);
    writer.close();
    const [file] = readdirSync(dir);
    const seen: number[] = [];
    const tail = new EventFileTail(join(dir, file!), { decodeIf: (record) => (seen.push(record.length), Buffer.from(record).includes('kept')) });
    const { events, damage } = await tail.poll();
    expect(damage).toEqual([]);
    // Every record was offered (the file version, five scalars, the text); only the text was decoded.
    expect(seen).toHaveLength(7);
    expect(events.map((e) => [e.step, e.summary?.values[0]?.tag])).toEqual([[6, 'note']]);
  });
});
