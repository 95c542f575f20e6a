import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord, SummaryWriter } from '../src/index.js';
import { encodeEvent } from '../src/proto/event.js';
import { readBothWays, tempDir } from './helpers.js';

const root = tempDir('tfevents-fast-');

describe('scalar fast path (EventStream.takeInto): the same scalars as the full decoder', () => {
  it('reads a file as the trainer writes it (tensor scalars with metadata on every value, several per event, hparams, histograms, text, images)', async () => {
    const w = new SummaryWriter(join(root, 'trainer'), { flushIntervalMs: 0 });
    w.experiment({ hparams: [{ name: 'lr', type: 'float' }], metrics: [{ tag: 'val/loss' }] } as never);
    w.sessionStart({ lr: 0.1, arch: 'lenet' });
    for (let step = 0; step < 300; step++) {
      w.scalars({ 'train/loss': 1 / (step + 1), 'train/accuracy': step / 300, 'val/loss': Math.sin(step) }, step);
      w.scalar('lr', 0.1 * 0.99 ** step, step);
      w.scalar('legacy', step * 0.5, step, { legacy: true });
      if (step % 50 === 0) {
        w.histogram('weights', [1, 2, 3, step], step);
        w.text('note', `step ${step}`, step);
        w.image('img', new Uint8Array([137, 80, 78, 71]), { width: 1, height: 1 }, step);
      }
    }
    w.scalar('non-finite', Number.NaN, 300);
    w.scalar('non-finite', Number.POSITIVE_INFINITY, 301);
    w.scalar('big step', 1, 2 ** 40);
    w.scalar('ünïcode/tag', -0.25, 302);
    w.sessionEnd('success');
    w.close();
    // Read in odd chunks too: records cut across reads must come out the same.
    for (const chunk of [1 << 20, 1000, 37]) {
      const { full, fast, events, decoded, fastRecords } = await readBothWays(w.path, chunk);
      expect(fast).toEqual(full);
      // Most records went the fast way; the others were decoded exactly as the full decoder does.
      expect(fastRecords).toBeGreaterThan(600);
      for (const e of decoded) expect(e).toEqual(events.find((f) => f.offset === e.offset));
      expect(decoded.some((e) => e.summary?.values.some((v) => v.kind === 'histogram'))).toBe(true);
      expect(decoded.some((e) => e.summary?.values.some((v) => v.kind === 'hparams'))).toBe(true);
    }
  });

  it('declines what it cannot read exactly: no metadata seen yet, non-scalar plugins, float_val, shaped tensors, other event kinds', async () => {
    const path = join(root, 'odd.tfevents');
    const content = (x: number) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, x, true);
      return b;
    };
    const scalarMeta = { pluginData: { pluginName: 'scalars', content: new Uint8Array(0) }, dataClass: 1 };
    const events = [
      { wallTime: 1, step: 0, fileVersion: 'brain.Event:2' },
      // A tensor without metadata and none seen for its tag: a 'tensor' value, not a scalar.
      { wallTime: 2, step: 1, summary: { value: [{ tag: 'a', tensor: { dtype: 1, tensorShape: { dim: [] }, tensorContent: content(1) } }] } },
      { wallTime: 3, step: 2, summary: { value: [{ tag: 'a', metadata: scalarMeta, tensor: { dtype: 1, tensorShape: { dim: [] }, tensorContent: content(2) } }] } },
      // Now 'a' has scalar metadata: its later bare tensors are scalars.
      { wallTime: 4, step: 3, summary: { value: [{ tag: 'a', tensor: { dtype: 1, tensorShape: { dim: [] }, tensorContent: content(3) } }] } },
      // float_val, shape [1], DT_DOUBLE.
      { wallTime: 5, step: 4, summary: { value: [{ tag: 'a', tensor: { dtype: 1, tensorShape: { dim: [] }, floatVal: [4] } }] } },
      { wallTime: 6, step: 5, summary: { value: [{ tag: 'a', tensor: { dtype: 1, tensorShape: { dim: [{ size: 1 }] }, tensorContent: content(5) } }] } },
      { wallTime: 7, step: 6, summary: { value: [{ tag: 'a', tensor: { dtype: 2, tensorShape: { dim: [] }, tensorContent: new Uint8Array(new Float64Array([0.1]).buffer) } }] } },
      // A histogram-plugin tensor under the same tag's name is not a scalar.
      { wallTime: 8, step: 7, summary: { value: [{ tag: 'a', metadata: { pluginData: { pluginName: 'histograms', content: new Uint8Array(0) } }, tensor: { dtype: 1, tensorShape: { dim: [] }, tensorContent: content(7) } }] } },
      // Data class SCALAR without a plugin name.
      { wallTime: 9, step: 8, summary: { value: [{ tag: 'b', simpleValue: 1 }] } },
      { wallTime: 10, step: 9, summary: { value: [{ tag: 'c', metadata: { dataClass: 1 }, tensor: { dtype: 1, tensorShape: { dim: [] }, tensorContent: content(9) } }] } },
      { wallTime: 11, step: 10, summary: { value: [{ tag: 'c', metadata: { dataClass: 1 }, tensor: { dtype: 1, tensorShape: { dim: [] }, tensorContent: content(10) } }] } },
      { wallTime: 12, step: 11, sessionLog: { status: 1 } },
      { wallTime: 13, step: 12, summary: { value: [] } },
      { wallTime: 14, step: 13, summary: { value: [{ tag: 'b', simpleValue: 2 }, { tag: 'h', histo: { min: 0, max: 1, num: 1, sum: 1, sumSquares: 1, bucketLimit: [1], bucket: [1] } }] } },
    ];
    writeFileSync(path, new Uint8Array(0));
    for (const e of events) appendFileSync(path, encodeRecord(encodeEvent(e as never)));
    const { full, fast, events: decodedFull, decoded, fastRecords } = await readBothWays(path);
    expect(fast).toEqual(full);
    for (const e of decoded) expect(e).toEqual(decodedFull.find((f) => f.offset === e.offset));
    // Fast: steps 3 and 6 (a's metadata known: a rank-0 float, a rank-0 double), 8 (b), 10 (c, metadata known).
    // Steps 2 and 9 register metadata, so the full decoder reads them.
    expect(fastRecords).toBe(4);
    expect(full.find((v) => v.step === 1)!.scalars).toEqual([]);
    expect(full.find((v) => v.step === 7)!.scalars).toEqual([]);
  });
});
