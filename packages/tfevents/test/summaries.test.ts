import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataClass,
  DataType,
  readEventFileSync,
  readEvents,
  SummaryWriter,
  type DecodedEvent,
  type DecodedValue,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const root = tempDir();
let runCounter = 0;

/** Writes with a fresh writer into a fresh run, then reads everything back. */
async function roundTrip(write: (w: SummaryWriter) => void): Promise<DecodedEvent[]> {
  const writer = new SummaryWriter(join(root, `run${runCounter++}`), { flushIntervalMs: 0 });
  write(writer);
  writer.close();
  const { events, damage } = await readEvents(writer.path);
  expect(damage).toEqual([]);
  expect(events[0]!.fileVersion).toBe('brain.Event:2');
  return events.slice(1);
}

function onlyValue(events: DecodedEvent[], index = 0): DecodedValue {
  const values = events[index]!.summary!.values;
  expect(values).toHaveLength(1);
  return values[0]!;
}

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('scalars', () => {
  it('round-trip as TensorFlow 2 tensors (plugin "scalars", data class SCALAR)', async () => {
    const events = await roundTrip((w) => {
      w.scalar('loss', 0.25, 1, { wallTime: 1234.5 });
      w.scalar('loss', 0, 2);
      w.scalar('acc', -3.5, 3);
    });
    expect(events.map((e) => e.step)).toEqual([1, 2, 3]);
    expect(events[0]!.wallTime).toBe(1234.5);
    const value = onlyValue(events);
    expect(value).toMatchObject({ kind: 'scalar', tag: 'loss', value: 0.25, pluginName: 'scalars' });
    expect(value.metadata?.dataClass).toBe(DataClass.DATA_CLASS_SCALAR);
    expect(onlyValue(events, 1)).toMatchObject({ kind: 'scalar', value: 0 });
    expect(onlyValue(events, 2)).toMatchObject({ kind: 'scalar', tag: 'acc', value: -3.5 });
  });

  it('round-trip as legacy simple_value, zero included', async () => {
    const events = await roundTrip((w) => {
      w.scalar('lr', 0.125, 10, { legacy: true });
      w.scalar('lr', 0, 11, { legacy: true });
    });
    expect(onlyValue(events)).toEqual({ kind: 'scalar', tag: 'lr', value: 0.125 });
    expect(onlyValue(events, 1)).toEqual({ kind: 'scalar', tag: 'lr', value: 0 });
  });

  it('keep float32 precision, NaN and infinities', async () => {
    const events = await roundTrip((w) => {
      w.scalar('x', 0.1, 0);
      w.scalar('x', NaN, 1);
      w.scalar('x', Infinity, 2, { legacy: true });
      w.scalar('x', 1e39, 3, { legacy: true });
    });
    const values = events.map((_, i) => (onlyValue(events, i) as { value: number }).value);
    expect(values[0]).toBe(Math.fround(0.1));
    expect(values[1]).toBeNaN();
    expect(values[2]).toBe(Infinity);
    expect(values[3]).toBe(Infinity);
  });

  it('writes several scalars of a step in one event', async () => {
    const events = await roundTrip((w) => w.scalars({ loss: 1.5, acc: 0.5 }, 7));
    expect(events).toHaveLength(1);
    expect(events[0]!.summary!.values.map((v) => [v.tag, v.kind === 'scalar' && v.value])).toEqual([
      ['loss', 1.5],
      ['acc', 0.5],
    ]);
  });

  it('handles large steps', async () => {
    const events = await roundTrip((w) => w.scalar('s', 1, 2 ** 40));
    expect(events[0]!.step).toBe(2 ** 40);
  });

  it('rejects steps that are not integers', () => {
    const writer = new SummaryWriter(join(root, 'bad-step'), { flushIntervalMs: 0 });
    expect(() => writer.scalar('s', 1, 1.5)).toThrow(/step/);
    writer.close();
  });
});

describe('histograms', () => {
  it('round-trip raw values bucketed like TensorBoard (DT_DOUBLE [k, 3])', async () => {
    const events = await roundTrip((w) => {
      w.histogram('weights', [1, 2, 3, 4, 5, 6], 5, { buckets: 3 });
      w.histogram('many', Float32Array.from({ length: 1000 }, (_, i) => i), 6);
    });
    const value = onlyValue(events);
    expect(value).toMatchObject({ kind: 'histogram', tag: 'weights', pluginName: 'histograms' });
    if (value.kind !== 'histogram') throw new Error('not a histogram');
    expect(value.buckets).toEqual([
      { left: 1, right: 1 + 5 / 3, count: 2 },
      { left: 1 + 5 / 3, right: 1 + 2 * (5 / 3), count: 2 },
      { left: 1 + 2 * (5 / 3), right: 6, count: 2 },
    ]);
    const many = onlyValue(events, 1);
    if (many.kind !== 'histogram') throw new Error('not a histogram');
    expect(many.buckets).toHaveLength(30);
    expect(many.buckets.reduce((n, b) => n + b.count, 0)).toBe(1000);
    expect(many.buckets[29]!.right).toBe(999);
  });

  it('round-trip given edges and counts', async () => {
    const events = await roundTrip((w) => w.histogram('h', { edges: [0, 1, 2.5], counts: [3, 4] }, 1));
    expect(onlyValue(events)).toMatchObject({
      kind: 'histogram',
      buckets: [
        { left: 0, right: 1, count: 3 },
        { left: 1, right: 2.5, count: 4 },
      ],
    });
  });

  it('round-trip the edge cases: equal values, no values', async () => {
    const events = await roundTrip((w) => {
      w.histogram('same', [2, 2, 2], 1);
      w.histogram('empty', [], 2);
    });
    expect(onlyValue(events)).toMatchObject({ kind: 'histogram', buckets: [{ left: 1.5, right: 2.5, count: 3 }] });
    expect(onlyValue(events, 1)).toMatchObject({ kind: 'histogram', buckets: [] });
  });
});

describe('text', () => {
  it('round-trips a string (rank 0) and a list of strings (rank 1), UTF-8 included', async () => {
    const events = await roundTrip((w) => {
      w.text('notes', '**bold** – ünïcødé ✓', 1);
      w.text('list', ['a', 'b', ''], 2);
    });
    expect(onlyValue(events)).toMatchObject({
      kind: 'text',
      tag: 'notes',
      text: '**bold** – ünïcødé ✓',
      shape: [],
      pluginName: 'text',
    });
    expect(onlyValue(events, 1)).toMatchObject({ kind: 'text', text: ['a', 'b', ''], shape: [3] });
  });
});

describe('images', () => {
  it('round-trip one or several PNGs with their size (BLOB_SEQUENCE)', async () => {
    const second = Uint8Array.from([...PNG, 9]);
    const events = await roundTrip((w) => {
      w.image('sample', PNG, { width: 4, height: 3 }, 1);
      w.image('batch', [PNG, second], { width: 4, height: 3 }, 2);
    });
    const value = onlyValue(events);
    expect(value).toMatchObject({ kind: 'image', tag: 'sample', width: 4, height: 3, pluginName: 'images' });
    expect(value.metadata?.dataClass).toBe(DataClass.DATA_CLASS_BLOB_SEQUENCE);
    if (value.kind !== 'image') throw new Error('not an image');
    expect(value.images.map((i) => Array.from(i))).toEqual([Array.from(PNG)]);
    const batch = onlyValue(events, 1);
    if (batch.kind !== 'image') throw new Error('not an image');
    expect(batch.images.map((i) => Array.from(i))).toEqual([Array.from(PNG), Array.from(second)]);
  });

  it('rejects a size that is not positive integers', () => {
    const writer = new SummaryWriter(join(root, 'bad-image'), { flushIntervalMs: 0 });
    expect(() => writer.image('x', PNG, { width: 0, height: 2 }, 0)).toThrow(/width/);
    writer.close();
  });
});

describe('hparams', () => {
  it('round-trip the experiment, session start and session end in the same run', async () => {
    const events = await roundTrip((w) => {
      w.experiment({
        hparams: [
          { name: 'lr', type: 'float64', domain: { min: 1e-4, max: 1 } },
          { name: 'optimizer', domain: ['sgd', 'adam'] },
          { name: 'batch_norm', type: 'bool' },
          { name: 'depth', domain: [18, 34], displayName: 'Depth', description: 'number of layers' },
        ],
        metrics: [
          { tag: 'loss', datasetType: 'training' },
          { tag: 'accuracy', group: 'validation', displayName: 'Accuracy', datasetType: 'validation' },
        ],
        timeCreated: 1700000000,
      });
      w.sessionStart({ lr: 0.01, optimizer: 'adam', batch_norm: true, depth: 18 }, { groupName: 'g1', startTime: 1700000001 });
      w.scalar('loss', 1, 1);
      w.sessionEnd('success', 1700000100);
    });

    const experiment = onlyValue(events);
    expect(experiment).toMatchObject({ kind: 'hparams', tag: '_hparams_/experiment', pluginName: 'hparams' });
    if (experiment.kind !== 'hparams') throw new Error('not hparams');
    expect(experiment.data).toEqual({
      version: 0,
      experiment: {
        timeCreatedSecs: 1700000000,
        hparamInfos: [
          { name: 'lr', type: 'float64', domainInterval: { minValue: 1e-4, maxValue: 1 } },
          { name: 'optimizer', type: 'string', domainDiscrete: ['sgd', 'adam'] },
          { name: 'batch_norm', type: 'bool' },
          { name: 'depth', type: 'float64', domainDiscrete: [18, 34], displayName: 'Depth', description: 'number of layers' },
        ],
        metricInfos: [
          { name: { group: '', tag: 'loss' }, datasetType: 'training' },
          { name: { group: 'validation', tag: 'accuracy' }, displayName: 'Accuracy', datasetType: 'validation' },
        ],
      },
    });

    const start = onlyValue(events, 1);
    expect(start.tag).toBe('_hparams_/session_start_info');
    if (start.kind !== 'hparams') throw new Error('not hparams');
    expect(start.data.sessionStartInfo).toEqual({
      hparams: { lr: 0.01, optimizer: 'adam', batch_norm: true, depth: 18 },
      groupName: 'g1',
      startTimeSecs: 1700000001,
    });

    const end = onlyValue(events, 3);
    expect(end.tag).toBe('_hparams_/session_end_info');
    if (end.kind !== 'hparams') throw new Error('not hparams');
    expect(end.data.sessionEndInfo).toEqual({ status: 'success', endTimeSecs: 1700000100 });
  });

  it('carries a null DT_FLOAT tensor of shape [0]', async () => {
    const events = await roundTrip((w) => w.sessionEnd('failure'));
    const value = onlyValue(events);
    if (value.kind !== 'hparams') throw new Error('not hparams');
    expect(value.data.sessionEndInfo?.status).toBe('failure');
    expect(value.metadata?.dataClass).toBe(DataClass.DATA_CLASS_TENSOR);
  });

  it('hparams() writes an experiment with types inferred from the values, then the session start', async () => {
    const events = await roundTrip((w) => w.hparams({ lr: 0.1, opt: 'sgd', bn: false }, { metrics: [{ tag: 'loss' }] }));
    expect(events.map((e) => e.summary!.values[0]!.tag)).toEqual(['_hparams_/experiment', '_hparams_/session_start_info']);
    const experiment = onlyValue(events);
    if (experiment.kind !== 'hparams') throw new Error('not hparams');
    expect(experiment.data.experiment?.hparamInfos.map((h) => [h.name, h.type])).toEqual([
      ['lr', 'float64'],
      ['opt', 'string'],
      ['bn', 'bool'],
    ]);
    const start = onlyValue(events, 1);
    if (start.kind !== 'hparams') throw new Error('not hparams');
    expect(start.data.sessionStartInfo?.hparams).toEqual({ lr: 0.1, opt: 'sgd', bn: false });
  });

  it('keeps every session status', async () => {
    const statuses = ['success', 'failure', 'running', 'unknown'] as const;
    const events = await roundTrip((w) => statuses.forEach((s) => w.sessionEnd(s, 1)));
    const read = events.map((_, i) => {
      const value = onlyValue(events, i);
      return value.kind === 'hparams' && value.data.sessionEndInfo?.status;
    });
    expect(read).toEqual([...statuses]);
  });

  it('rejects hparam values that are not number, string or boolean', () => {
    const writer = new SummaryWriter(join(root, 'bad-hparams'), { flushIntervalMs: 0 });
    expect(() => writer.sessionStart({ x: {} as unknown as number })).toThrow(/hparam "x"/);
    writer.close();
  });
});

describe('generic tensors', () => {
  it('come back as kind "tensor" with dtype, shape and values', async () => {
    const events = await roundTrip((w) =>
      w.writeSummary(
        [
          {
            tag: 'custom',
            tensor: { dtype: DataType.DT_INT32, tensorShape: { dim: [{ size: 2 }, { size: 2 }] }, intVal: [1, 2, 3, 4] },
          },
        ],
        3,
      ),
    );
    expect(onlyValue(events)).toEqual({
      kind: 'tensor',
      tag: 'custom',
      tensor: { dtype: DataType.DT_INT32, shape: [2, 2], values: [1, 2, 3, 4] },
    });
  });
});

describe('readEventFileSync', () => {
  it('reads the same as readEvents', async () => {
    const writer = new SummaryWriter(join(root, 'sync'), { flushIntervalMs: 0 });
    for (let i = 0; i < 50; i++) writer.scalar('x', i, i);
    writer.close();
    const asyncResult = await readEvents(writer.path, { chunkSize: 100 });
    expect(readEventFileSync(writer.path, { chunkSize: 100 })).toEqual(asyncResult);
    expect(asyncResult.events).toHaveLength(51);
  });
});
