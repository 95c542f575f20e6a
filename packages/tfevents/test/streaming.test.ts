import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readEventFile, scalarSeries, SummaryWriter } from '../src/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
const COUNT = 200_000;
let path: string;

beforeAll(() => {
  const writer = new SummaryWriter(join(dir, 'big'), { flushIntervalMs: 0 });
  for (let step = 0; step < COUNT; step++) writer.scalar('loss', step % 1000, step, { legacy: step % 2 === 1 });
  writer.close();
  path = writer.path;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Spies on FileHandle.prototype.read, which the reader uses for every chunk. */
async function spyOnFileHandleRead() {
  const handle = await open(path, 'r');
  const prototype = Object.getPrototypeOf(handle) as { read: (...args: unknown[]) => Promise<unknown> };
  await handle.close();
  return vi.spyOn(prototype, 'read');
}

describe('a large file', () => {
  it(`streams ${COUNT} scalar events in bounded chunks, never the whole file at once`, async () => {
    const size = statSync(path).size;
    const chunkSize = 64 * 1024;
    expect(size).toBeGreaterThan(20 * chunkSize);
    const read = await spyOnFileHandleRead();

    let count = 0;
    let lastStep = -1;
    let ordered = true;
    let sum = 0;
    for await (const event of readEventFile(path, { chunkSize })) {
      if (event.step < lastStep) ordered = false;
      lastStep = event.step;
      const value = event.summary?.values[0];
      if (value?.kind === 'scalar') sum += value.value;
      count++;
    }

    expect(count).toBe(COUNT + 1);
    expect(ordered).toBe(true);
    expect(sum).toBe(200 * ((999 * 1000) / 2));
    const lengths = read.mock.calls.map((call) => call[2] as number);
    expect(lengths.length).toBeGreaterThanOrEqual(Math.ceil(size / chunkSize));
    expect(Math.max(...lengths)).toBeLessThanOrEqual(chunkSize);
  });

  it('stops reading from disk when the consumer stops early', async () => {
    const read = await spyOnFileHandleRead();
    let count = 0;
    for await (const _ of readEventFile(path, { chunkSize: 4096 })) {
      if (++count === 10) break;
    }
    expect(read.mock.calls.length).toBe(1);
  });

  it('builds scalar series from both encodings', async () => {
    const events = [];
    for await (const event of readEventFile(path)) events.push(event);
    const series = scalarSeries(events).get('loss')!;
    expect(series).toHaveLength(COUNT);
    expect(series[1234]).toMatchObject({ step: 1234, value: 234 });
  });

  it('grows its buffer for a record larger than a chunk', async () => {
    const writer = new SummaryWriter(join(dir, 'large-record'), { flushIntervalMs: 0 });
    const png = Uint8Array.from({ length: 300_000 }, (_, i) => i & 0xff);
    writer.image('big', png, { width: 500, height: 600 }, 1);
    writer.scalar('after', 1, 2);
    writer.close();
    const read = await spyOnFileHandleRead();
    const events = [];
    for await (const event of readEventFile(writer.path, { chunkSize: 1024 })) events.push(event);
    expect(events.map((e) => e.step)).toEqual([0, 1, 2]);
    const image = events[1]!.summary!.values[0]!;
    if (image.kind !== 'image') throw new Error('not an image');
    expect(image.images[0]!.length).toBe(png.length);
    expect(image.images[0]![299_999]).toBe(299_999 & 0xff);
    expect(Math.max(...read.mock.calls.map((call) => call[2] as number))).toBeLessThanOrEqual(1024);
  });
});
