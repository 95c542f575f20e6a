/** The streamed JSON writer must give exactly JSON.stringify's text, and stream long answers in chunks. */
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { finiteOrNull, jsonPieces, sendJsonStream } from '../server/json-stream.js';

const joined = (value: unknown) => [...jsonPieces(value)].join('');

describe('jsonPieces', () => {
  it('gives JSON.stringify\'s text for long arrays at any depth, non-finite numbers and skipped fields', () => {
    const points = Array.from({ length: 1300 }, (_, i) => ({ step: i, value: i % 97 === 0 ? Number.NaN : Math.sin(i), wallTime: 1.75e9 + i / 3 }));
    const values: unknown[] = [
      { run: 'a/b "c"', cursor: '1:2', series: { 'train/loss': points, 'val/loss': points.slice(0, 3), lr: [] }, warnings: [], extra: undefined, f: () => 1 },
      { runs: Array.from({ length: 2049 }, (_, i) => ({ name: `run-${i}`, best: i % 5 === 0 ? null : { epoch: i, loss: Number.POSITIVE_INFINITY }, tags: ['x', 'y'] })), loading: false, total: 2049 },
      [1, 'two', null, [3, Number.NEGATIVE_INFINITY]],
      Array.from({ length: 513 }, (_, i) => (i === 7 ? undefined : i)),
      { deep: { deeper: { deepest: { long: Array.from({ length: 600 }, (_, i) => i) } } } },
      'text', 42, null, {},
    ];
    for (const value of values) expect(joined(value)).toBe(JSON.stringify(value, finiteOrNull));
  });

  it('never holds a long array as one piece', () => {
    const runs = Array.from({ length: 10_000 }, (_, i) => ({ name: `group/run-${i}`, status: 'finished', epochs: 50 }));
    const pieces = [...jsonPieces({ runs })];
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(JSON.stringify(runs).length / 10);
  });
});

describe('sendJsonStream', () => {
  async function serve(value: unknown): Promise<{ url: string; close: () => void }> {
    const app = express();
    app.get('/', (req, res) => sendJsonStream(req, res, value, 'W/"v1"'));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
  }

  function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      httpRequest(url, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      }).on('error', reject).end();
    });
  }

  it('streams a long answer chunked, sends a short one with its length, and answers 304 to its ETag', async () => {
    const long = { runs: Array.from({ length: 5000 }, (_, i) => ({ name: `run-${i}`, value: i / 7 })) };
    const server = await serve(long);
    try {
      const res = await get(server.url);
      expect(res.status).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toBe(JSON.stringify(long));
      expect((await get(server.url, { 'if-none-match': 'W/"v1"' })).status).toBe(304);
    } finally {
      server.close();
    }
    const short = await serve({ a: [1, 2, 3] });
    try {
      const res = await get(short.url);
      expect(res.headers['content-length']).toBe(String('{"a":[1,2,3]}'.length));
      expect(res.body).toBe('{"a":[1,2,3]}');
    } finally {
      short.close();
    }
  });

  it('stops writing when the client goes away mid-answer', async () => {
    let written = 0;
    const app = express();
    const many = { points: Array.from({ length: 400_000 }, (_, i) => ({ step: i, value: i })) };
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    app.get('/', async (req, res) => {
      const write = res.write.bind(res);
      res.write = ((chunk: string) => (written++, write(chunk))) as typeof res.write;
      await sendJsonStream(req, res, many);
      finished();
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) => {
          res.once('data', () => (req.destroy(), resolve()));
        });
        req.end();
      });
      await done;
      // ~20 MiB of JSON is ~300 chunks: a closed socket ends the writing long before.
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(250);
    } finally {
      server.close();
    }
  });
});
