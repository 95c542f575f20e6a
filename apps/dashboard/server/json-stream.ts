import type { Request, Response } from 'express';

/** JSON has no Infinity or NaN: they go as null (as the app's 'json replacer' does for res.json). */
export const finiteOrNull = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? null : value);

/** Array elements stringified at a time: long arrays (10k run summaries, 100k points) never become one string. */
const SLICE = 512;
/** Characters gathered before a write. */
const CHUNK = 64 * 1024;
/** Levels of plain objects descended into looking for long arrays (a response's `series.<tag>` is at level 2). */
const DEPTH = 3;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/**
 * The JSON text of `value` (what JSON.stringify with `finiteOrNull` gives) in pieces: arrays longer than SLICE, in
 * plain objects up to DEPTH levels down, a slice of elements at a time.
 */
export function* jsonPieces(value: unknown, depth = 0): Generator<string> {
  if (Array.isArray(value) && value.length > SLICE) {
    yield '[';
    for (let i = 0; i < value.length; i += SLICE) {
      const slice = JSON.stringify(value.slice(i, i + SLICE), finiteOrNull);
      yield (i > 0 ? ',' : '') + slice.slice(1, -1);
    }
    yield ']';
  } else if (depth < DEPTH && isPlainObject(value)) {
    yield '{';
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* jsonPieces(v, depth + 1);
    }
    yield '}';
  } else {
    yield JSON.stringify(value, finiteOrNull) ?? 'null';
  }
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends `value` as JSON written in chunks of about 64 KiB, waiting for the socket (or the compression stream) to
 * drain between them, so that a megabytes-long answer is never held whole as one string and one Buffer. A body
 * that fits in one chunk is sent as res.send would (with its length). `etag`, when given, is set, and a request
 * that already holds it gets 304.
 */
export async function sendJsonStream(req: Request, res: Response, value: unknown, etag?: string): Promise<void> {
  res.type('json');
  if (etag !== undefined) {
    res.setHeader('ETag', etag);
    if (req.fresh) return void res.status(304).end();
  }
  let pending = '';
  let started = false;
  for (const piece of jsonPieces(value)) {
    pending += piece;
    if (pending.length < CHUNK) continue;
    started = true;
    const more = res.write(pending);
    pending = '';
    if (!more) await drained(res);
    if (res.destroyed) return;
  }
  if (started) res.end(pending);
  else res.send(pending);
}
