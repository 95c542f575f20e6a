import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeEvent,
  encodeRecord,
  readEventFile,
  readEventFileSync,
  readEvents,
  SummaryWriter,
  type Damage,
  type ReadOptions,
  type ReadResult,
} from '../src/index.js';
import { splitRecords, tempDir } from './helpers.js';

const dir = tempDir();

/** A file of a file_version event and scalars for steps 1..10. */
function makeGoodFile(): { bytes: Buffer; offsets: number[] } {
  const writer = new SummaryWriter(join(dir, 'source'), { flushIntervalMs: 0 });
  for (let step = 1; step <= 10; step++) writer.scalar('loss', step / 10, step);
  writer.close();
  const bytes = readFileSync(writer.path);
  return { bytes, offsets: splitRecords(bytes).map((r) => r.offset) };
}

const good = makeGoodFile();
const recordEnd = (i: number) => good.offsets[i + 1] ?? good.bytes.length;
let fileCounter = 0;

function fileWith(bytes: Uint8Array): string {
  const path = join(dir, `events.out.tfevents.1700000000.test.1.${fileCounter++}`);
  writeFileSync(path, bytes);
  return path;
}

const CHUNK_SIZES = [5, 13, 64, undefined];

/** Reads with the async reader (several chunk sizes) and the sync one; all must agree. */
async function readAll(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const results: ReadResult[] = [];
  for (const chunkSize of CHUNK_SIZES) results.push(await readEvents(path, { ...options, chunkSize }));
  results.push(readEventFileSync(path, options));
  for (const result of results.slice(1)) expect(result).toEqual(results[0]);
  return results[0]!;
}

const steps = (result: ReadResult) => result.events.map((e) => e.step);
const kinds = (damage: Damage[]) => damage.map((d) => [d.kind, d.offset]);

describe('a clean file', () => {
  it('reads every record, with its offset', async () => {
    const result = await readAll(fileWith(good.bytes));
    expect(steps(result)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.events.map((e) => e.offset)).toEqual(good.offsets);
    expect(result.damage).toEqual([]);
  });
});

describe('truncated files', () => {
  const last = good.offsets.length - 1;
  const start = good.offsets[last]!;
  const cuts = [start + 1, start + 8, start + 11, start + 12, start + 20, good.bytes.length - 4, good.bytes.length - 1];

  it.each(cuts)('cut at byte %i: all earlier records, then "truncated" at the last record', async (cut) => {
    const path = fileWith(good.bytes.subarray(0, cut));
    const result = await readAll(path);
    expect(steps(result)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.damage).toEqual([
      { kind: 'truncated', offset: start, length: cut - start, message: expect.any(String), file: path },
    ]);
  });

  it('cut exactly at a record boundary: no damage', async () => {
    const result = await readAll(fileWith(good.bytes.subarray(0, start)));
    expect(steps(result)).toHaveLength(10);
    expect(result.damage).toEqual([]);
  });

  it('reports through onDamage while streaming, after the good records', async () => {
    const seen: string[] = [];
    for await (const event of readEventFile(fileWith(good.bytes.subarray(0, start + 5)), {
      chunkSize: 16,
      onDamage: (d) => seen.push(`damage:${d.kind}`),
    })) {
      seen.push(`step:${event.step}`);
    }
    expect(seen).toEqual([...Array.from({ length: 10 }, (_, i) => `step:${i}`), 'damage:truncated']);
  });

  it('a file shorter than a record header is truncated, not an error', async () => {
    const result = await readAll(fileWith(good.bytes.subarray(0, 7)));
    expect(result.events).toEqual([]);
    expect(kinds(result.damage)).toEqual([['truncated', 0]]);
  });
});

describe('flipped bytes', () => {
  const flip = (at: number) => {
    const bytes = Buffer.from(good.bytes);
    bytes[at] ^= 0x40;
    return bytes;
  };

  it('in a record’s data: that record is skipped and reported, later records are read', async () => {
    const bad = 4;
    const result = await readAll(fileWith(flip(good.offsets[bad]! + 12 + 5)));
    expect(steps(result)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, 10]);
    expect(result.damage).toMatchObject([
      { kind: 'bad-data-crc', offset: good.offsets[bad], length: recordEnd(bad) - good.offsets[bad]! },
    ]);
  });

  it('in a record’s data CRC: the same', async () => {
    const result = await readAll(fileWith(flip(recordEnd(6) - 1)));
    expect(steps(result)).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9, 10]);
    expect(kinds(result.damage)).toEqual([['bad-data-crc', good.offsets[6]]]);
  });

  it('in a record’s data with onCorrupt "stop": reading stops there and reports it', async () => {
    const result = await readAll(fileWith(flip(good.offsets[4]! + 14)), { onCorrupt: 'stop' });
    expect(steps(result)).toEqual([0, 1, 2, 3]);
    expect(kinds(result.damage)).toEqual([['bad-data-crc', good.offsets[4]]]);
  });

  it('in a record’s length: reported, then reading resynchronises on the next record', async () => {
    const result = await readAll(fileWith(flip(good.offsets[3]! + 1)));
    expect(steps(result)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 10]);
    expect(kinds(result.damage)).toEqual([['bad-length-crc', good.offsets[3]]]);
  });

  it('in a record’s length CRC with onCorrupt "stop": reading stops there', async () => {
    const result = await readAll(fileWith(flip(good.offsets[3]! + 9)), { onCorrupt: 'stop' });
    expect(steps(result)).toEqual([0, 1, 2]);
    expect(kinds(result.damage)).toEqual([['bad-length-crc', good.offsets[3]]]);
  });

  it('in several records: each is reported, all others are read', async () => {
    const bytes = flip(good.offsets[2]! + 13);
    bytes[good.offsets[5]! + 2] ^= 0x01;
    bytes[good.offsets[9]! + 20] ^= 0x10;
    const result = await readAll(fileWith(bytes));
    expect(steps(result)).toEqual([0, 1, 3, 4, 6, 7, 8, 10]);
    expect(kinds(result.damage)).toEqual([
      ['bad-data-crc', good.offsets[2]],
      ['bad-length-crc', good.offsets[5]],
      ['bad-data-crc', good.offsets[9]],
    ]);
  });

  it('in the last record’s length: reported, no records invented from what follows', async () => {
    const last = good.offsets.length - 1;
    const result = await readAll(fileWith(flip(good.offsets[last]! + 2)));
    expect(steps(result)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(kinds(result.damage)).toEqual([['bad-length-crc', good.offsets[last]]]);
  });
});

describe('records that are not events', () => {
  it('are reported as "bad-event" and skipped (or stop reading)', async () => {
    const records = splitRecords(good.bytes).map((r) => encodeRecord(r.data));
    records.splice(2, 0, encodeRecord(Uint8Array.from([0xff, 0xff, 0xff])));
    const bytes = Buffer.concat(records);
    const badOffset = records.slice(0, 2).reduce((n, r) => n + r.length, 0);
    const skipped = await readAll(fileWith(bytes));
    expect(steps(skipped)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(kinds(skipped.damage)).toEqual([['bad-event', badOffset]]);
    const stopped = await readAll(fileWith(bytes), { onCorrupt: 'stop' });
    expect(steps(stopped)).toEqual([0, 1]);
    expect(kinds(stopped.damage)).toEqual([['bad-event', badOffset]]);
  });
});

describe('files that hold no events', () => {
  it('an empty file yields nothing and no damage', async () => {
    expect(await readAll(fileWith(new Uint8Array(0)))).toEqual({ events: [], damage: [] });
  });

  it('a text file yields "not-an-event-file" and no events, without throwing', async () => {
    const text = Buffer.from('This is not an event file.\nJust some text, long enough to fill a record header.\n');
    const result = await readAll(fileWith(text));
    expect(result.events).toEqual([]);
    expect(kinds(result.damage)).toEqual([['not-an-event-file', 0]]);
  });

  it('random bytes yield "not-an-event-file"', async () => {
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    const result = await readAll(fileWith(random), { onCorrupt: 'skip' });
    expect(result.events).toEqual([]);
    expect(kinds(result.damage)).toEqual([['not-an-event-file', 0]]);
  });

  it('a missing file rejects (that is an error of the caller, not damage)', async () => {
    await expect(readEvents(join(dir, 'no-such-file'))).rejects.toThrow(/ENOENT/);
  });
});

describe('a single event record made by hand', () => {
  it('round-trips through encodeEvent and encodeRecord', async () => {
    const path = fileWith(encodeRecord(encodeEvent({ wallTime: 5, step: 3, fileVersion: 'brain.Event:2' })));
    expect((await readAll(path)).events).toEqual([{ wallTime: 5, step: 3, offset: 0, fileVersion: 'brain.Event:2', file: path }]);
  });
});
