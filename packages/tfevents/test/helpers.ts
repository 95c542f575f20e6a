import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'tfevents-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export { splitRecords, readRecordsOf, loadTensorBoardProtos, TO_OBJECT } from '../../../test-support/tensorboard-protos.js';

import { readFileSync } from 'node:fs';
import { ChunkBuffer, EventStream } from '../src/event-stream.js';
import { readEvents, type DecodedEvent } from '../src/index.js';

/** A record as the dashboard keeps it: where it is, its step and wall time, and its scalars in order. */
export interface ScalarView {
  offset: number;
  step: number;
  wallTime: number;
  scalars: [string, number][];
}

function viewOf(e: DecodedEvent): ScalarView {
  const scalars = (e.summary?.values ?? []).flatMap((v): [string, number][] => (v.kind === 'scalar' ? [[v.tag, v.value]] : []));
  return { offset: e.offset, step: e.step, wallTime: e.wallTime, scalars };
}

/**
 * Reads `path` both ways, with the full decoder (`readEvents`) and with `EventStream.takeInto`'s scalar fast path,
 * fed in chunks of `chunk` bytes; answers both views, the events the fast path decoded in full and how many
 * records it read as scalars.
 */
export async function readBothWays(path: string, chunk = 1 << 20) {
  const { events } = await readEvents(path);
  const full = events.map(viewOf);
  const fast: ScalarView[] = [];
  const decoded: DecodedEvent[] = [];
  let fastRecords = 0;
  const stream = new EventStream(path, { tagMetadata: new Map() });
  const bytes = readFileSync(path);
  const buffer = new ChunkBuffer(0, 0);
  for (let at = 0; at < bytes.length; at += chunk) {
    const part = bytes.subarray(at, at + chunk);
    const i = buffer.prepare(stream.scanner.offset, part.length);
    buffer.bytes.set(part, i);
    buffer.commit(part.length);
    stream.takeInto(buffer, {
      scalars(step, wallTime, tags, values, count, offset) {
        fastRecords++;
        const scalars: [string, number][] = [];
        for (let k = 0; k < count; k++) scalars.push([tags[k]!, values[k]!]);
        fast.push({ offset, step, wallTime, scalars });
      },
      event(e) {
        decoded.push(e);
        fast.push(viewOf(e));
      },
    });
  }
  return { full, fast, events, decoded, fastRecords };
}
