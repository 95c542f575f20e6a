import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type protobuf from 'protobufjs';
import { encodeRecord, readEvents, SummaryWriter, type DecodedEvent } from '../src/index.js';
import { loadTensorBoardProtos, readRecordsOf, tempDir, TO_OBJECT } from './helpers.js';

/** Our files checked by protobufjs with TensorBoard's .proto definitions, and protobufjs-made files read by our reader. */

const dir = tempDir();
let root: protobuf.Root;
let EventType: protobuf.Type;
let PluginDataType: protobuf.Type;

beforeAll(() => {
  root = loadTensorBoardProtos();
  EventType = root.lookupType('tensorboard.Event');
  PluginDataType = root.lookupType('tensorboard.hparams.HParamsPluginData');
});

type Obj = Record<string, any>;

function decodeAll(path: string): Obj[] {
  return readRecordsOf(path).map((r) => EventType.toObject(EventType.decode(r.data), TO_OBJECT));
}

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7]);

describe('our files, decoded by protobufjs with TensorBoard’s protos', () => {
  let events: Obj[];
  let path: string;

  beforeAll(() => {
    const writer = new SummaryWriter(join(dir, 'ours'), { flushIntervalMs: 0 });
    writer.scalar('loss', 0.5, 1, { wallTime: 100 });
    writer.scalar('legacy', 2.5, 2, { legacy: true, wallTime: 101 });
    writer.histogram('weights', [1, 2, 3, 4], 3, { buckets: 2 });
    writer.text('note', 'hi', 4);
    writer.text('notes', ['a', 'b'], 5);
    writer.image('img', PNG, { width: 8, height: 6 }, 6);
    writer.experiment({
      hparams: [
        { name: 'lr', domain: { min: 0.001, max: 0.1 } },
        { name: 'opt', domain: ['sgd', 'adam'], differs: true },
      ],
      metrics: [{ tag: 'loss', datasetType: 'validation', displayName: 'Loss' }],
      timeCreated: 1000,
    });
    writer.sessionStart({ lr: 0.01, opt: 'adam', bn: true }, { groupName: 'grp', startTime: 1001 });
    writer.sessionEnd('failure', 1002);
    writer.close();
    path = writer.path;
    events = decodeAll(path);
  });

  it('starts with file_version brain.Event:2', () => {
    expect(events[0]!.file_version).toBe('brain.Event:2');
    expect(events[0]!.what).toBe('file_version');
    expect(events[0]!.wall_time).toBeGreaterThan(1.6e9);
  });

  it('writes scalars as a rank-0 DT_FLOAT tensor with 4 bytes of content and plugin "scalars"', () => {
    const e = events[1]!;
    expect(e).toMatchObject({ wall_time: 100, step: 1, what: 'summary' });
    const v = e.summary.value[0];
    expect(v.tag).toBe('loss');
    expect(v.value).toBe('tensor');
    expect(v.metadata).toMatchObject({ plugin_data: { plugin_name: 'scalars' }, data_class: 'DATA_CLASS_SCALAR' });
    expect(v.tensor.dtype).toBe('DT_FLOAT');
    expect(v.tensor.tensor_shape.dim ?? []).toEqual([]);
    expect(v.tensor.tensor_content).toHaveLength(4);
    expect(Buffer.from(v.tensor.tensor_content).readFloatLE(0)).toBe(0.5);
  });

  it('writes legacy scalars as simple_value', () => {
    const v = events[2]!.summary.value[0];
    expect(v).toMatchObject({ tag: 'legacy', simple_value: 2.5, value: 'simple_value' });
    expect(v.metadata).toBeUndefined();
  });

  it('writes histograms as a DT_DOUBLE [k, 3] tensor with plugin "histograms"', () => {
    const v = events[3]!.summary.value[0];
    expect(v.metadata.plugin_data.plugin_name).toBe('histograms');
    expect(v.tensor.dtype).toBe('DT_DOUBLE');
    expect(v.tensor.tensor_shape.dim.map((d: Obj) => d.size)).toEqual([2, 3]);
    const content = Buffer.from(v.tensor.tensor_content);
    const numbers = Array.from({ length: 6 }, (_, i) => content.readDoubleLE(i * 8));
    expect(numbers).toEqual([1, 2.5, 2, 2.5, 4, 2]);
  });

  it('writes text as DT_STRING string_val, rank 0 or [n], with plugin "text"', () => {
    const one = events[4]!.summary.value[0];
    expect(one.metadata.plugin_data.plugin_name).toBe('text');
    expect(one.tensor.dtype).toBe('DT_STRING');
    expect(one.tensor.tensor_shape.dim ?? []).toEqual([]);
    expect(one.tensor.string_val.map((b: Uint8Array) => Buffer.from(b).toString())).toEqual(['hi']);
    const list = events[5]!.summary.value[0];
    expect(list.tensor.tensor_shape.dim.map((d: Obj) => d.size)).toEqual([2]);
    expect(list.tensor.string_val.map((b: Uint8Array) => Buffer.from(b).toString())).toEqual(['a', 'b']);
  });

  it('writes images as DT_STRING [width, height, png] with plugin "images" and BLOB_SEQUENCE', () => {
    const v = events[6]!.summary.value[0];
    expect(v.metadata).toMatchObject({ plugin_data: { plugin_name: 'images' }, data_class: 'DATA_CLASS_BLOB_SEQUENCE' });
    expect(v.tensor.tensor_shape.dim.map((d: Obj) => d.size)).toEqual([3]);
    const [width, height, png] = v.tensor.string_val.map((b: Uint8Array) => Buffer.from(b));
    expect(width.toString()).toBe('8');
    expect(height.toString()).toBe('6');
    expect(Array.from(png)).toEqual(Array.from(PNG));
  });

  function hparamsOf(event: Obj): Obj {
    const v = event.summary.value[0];
    expect(v.metadata.plugin_data.plugin_name).toBe('hparams');
    // The null tensor TensorBoard expects: DT_FLOAT of shape [0].
    expect(v.tensor.dtype).toBe('DT_FLOAT');
    expect(v.tensor.tensor_shape.dim.map((d: Obj) => d.size ?? 0)).toEqual([0]);
    return PluginDataType.toObject(PluginDataType.decode(v.metadata.plugin_data.content), TO_OBJECT);
  }

  it('writes the hparams experiment as HParamsPluginData', () => {
    expect(events[7]!.summary.value[0].tag).toBe('_hparams_/experiment');
    const data = hparamsOf(events[7]!);
    expect(data.version ?? 0).toBe(0);
    expect(data.data).toBe('experiment');
    expect(data.experiment).toEqual({
      time_created_secs: 1000,
      hparam_infos: [
        { name: 'lr', type: 'DATA_TYPE_FLOAT64', domain_interval: { min_value: 0.001, max_value: 0.1 }, domain: 'domain_interval' },
        {
          name: 'opt',
          type: 'DATA_TYPE_STRING',
          domain_discrete: {
            values: [
              { string_value: 'sgd', kind: 'string_value' },
              { string_value: 'adam', kind: 'string_value' },
            ],
          },
          domain: 'domain_discrete',
          differs: true,
        },
      ],
      metric_infos: [{ name: { tag: 'loss' }, display_name: 'Loss', dataset_type: 'DATASET_VALIDATION' }],
    });
  });

  it('writes the session start info with the hparams map', () => {
    expect(events[8]!.summary.value[0].tag).toBe('_hparams_/session_start_info');
    const data = hparamsOf(events[8]!);
    expect(data.data).toBe('session_start_info');
    expect(data.session_start_info).toEqual({
      hparams: {
        lr: { number_value: 0.01, kind: 'number_value' },
        opt: { string_value: 'adam', kind: 'string_value' },
        bn: { bool_value: true, kind: 'bool_value' },
      },
      group_name: 'grp',
      start_time_secs: 1001,
    });
  });

  it('writes the session end info with its status', () => {
    expect(events[9]!.summary.value[0].tag).toBe('_hparams_/session_end_info');
    const data = hparamsOf(events[9]!);
    expect(data.session_end_info).toEqual({ status: 'STATUS_FAILURE', end_time_secs: 1002 });
  });

  it('has exactly the records our reader finds, with valid CRCs', async () => {
    const { events: ours, damage } = await readEvents(path);
    expect(damage).toEqual([]);
    expect(ours).toHaveLength(events.length);
  });
});

describe('protobufjs-encoded files (as PyTorch / TensorFlow write them), read by our reader', () => {
  let events: DecodedEvent[];

  function event(fields: Obj): Uint8Array {
    const message = EventType.fromObject(fields);
    expect(EventType.verify(message)).toBeNull();
    return EventType.encode(message).finish();
  }

  function pluginContent(fields: Obj): Uint8Array {
    return PluginDataType.encode(PluginDataType.fromObject(fields)).finish();
  }

  const floatLE = (x: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(x);
    return b;
  };

  beforeAll(async () => {
    const records = [
      event({ wall_time: 1, file_version: 'brain.Event:2' }),
      // PyTorch SummaryWriter.add_scalar: simple_value, without or with scalars metadata.
      event({ wall_time: 2, step: 1, summary: { value: [{ tag: 'loss', simple_value: 0.75 }] } }),
      event({
        wall_time: 3,
        step: 2,
        summary: { value: [{ tag: 'acc', simple_value: 0.5, metadata: { plugin_data: { plugin_name: 'scalars' } } }] },
      }),
      // TensorFlow 2 scalar via float_val, and a DT_DOUBLE one via tensor_content.
      event({
        wall_time: 4,
        step: 3,
        summary: {
          value: [
            {
              tag: 'tf2',
              metadata: { plugin_data: { plugin_name: 'scalars' }, data_class: 'DATA_CLASS_SCALAR' },
              tensor: { dtype: 'DT_FLOAT', tensor_shape: {}, float_val: [1.5] },
            },
            {
              tag: 'tf2d',
              metadata: { plugin_data: { plugin_name: 'scalars' } },
              tensor: { dtype: 'DT_DOUBLE', tensor_shape: {}, tensor_content: Buffer.from(new Float64Array([0.1]).buffer) },
            },
            { tag: 'tf2c', metadata: { data_class: 'DATA_CLASS_SCALAR' }, tensor: { dtype: 'DT_FLOAT', tensor_content: floatLE(4) } },
          ],
        },
      }),
      // TF1 writers send metadata with a tag's first value only.
      event({ wall_time: 5, step: 4, summary: { value: [{ tag: 'tf2', tensor: { dtype: 'DT_FLOAT', float_val: [2.5] } }] } }),
      // PyTorch add_histogram: HistogramProto.
      event({
        wall_time: 6,
        step: 5,
        summary: {
          value: [
            {
              tag: 'hist',
              histo: { min: -1, max: 3, num: 6, sum: 4, sum_squares: 14, bucket_limit: [0, 1, 2, 3], bucket: [1, 2, 2, 1] },
            },
          ],
        },
      }),
      // TensorFlow 2 histogram via double_val.
      event({
        wall_time: 7,
        step: 6,
        summary: {
          value: [
            {
              tag: 'hist2',
              metadata: { plugin_data: { plugin_name: 'histograms' } },
              tensor: { dtype: 'DT_DOUBLE', tensor_shape: { dim: [{ size: 2 }, { size: 3 }] }, double_val: [0, 1, 5, 1, 2, 7] },
            },
          ],
        },
      }),
      // PyTorch add_image: Summary.Image.
      event({
        wall_time: 8,
        step: 7,
        summary: { value: [{ tag: 'pic', image: { height: 5, width: 7, colorspace: 3, encoded_image_string: PNG } }] },
      }),
      // Text as the TensorFlow 2 text plugin writes it.
      event({
        wall_time: 9,
        step: 8,
        summary: {
          value: [
            {
              tag: 'md',
              metadata: { plugin_data: { plugin_name: 'text' } },
              tensor: { dtype: 'DT_STRING', tensor_shape: {}, string_val: [Buffer.from('# Title')] },
            },
          ],
        },
      }),
      // hparams as TensorBoard's own summary module writes them.
      event({
        wall_time: 10,
        summary: {
          value: [
            {
              tag: '_hparams_/experiment',
              metadata: {
                plugin_data: {
                  plugin_name: 'hparams',
                  content: pluginContent({
                    experiment: {
                      hparam_infos: [
                        {
                          name: 'units',
                          type: 'DATA_TYPE_FLOAT64',
                          domain_discrete: { values: [{ number_value: 16 }, { number_value: 32 }] },
                        },
                      ],
                      metric_infos: [{ name: { group: 'validation', tag: 'epoch_accuracy' }, dataset_type: 'DATASET_VALIDATION' }],
                    },
                  }),
                },
              },
            },
          ],
        },
      }),
      event({
        wall_time: 11,
        summary: {
          value: [
            {
              tag: '_hparams_/session_start_info',
              metadata: {
                plugin_data: {
                  plugin_name: 'hparams',
                  content: pluginContent({
                    session_start_info: {
                      hparams: {
                        units: { number_value: 16 },
                        name: { string_value: 'x' },
                        flag: { bool_value: false },
                        none: { null_value: 'NULL_VALUE' },
                        list: { list_value: { values: [{ number_value: 1 }, { string_value: 'two' }] } },
                        nested: { struct_value: { fields: { a: { number_value: 1 } } } },
                      },
                      start_time_secs: 12,
                    },
                  }),
                },
              },
              tensor: { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 0 }] } },
            },
          ],
        },
      }),
      event({
        wall_time: 12,
        summary: {
          value: [
            {
              tag: '_hparams_/session_end_info',
              metadata: {
                plugin_data: {
                  plugin_name: 'hparams',
                  content: pluginContent({ session_end_info: { status: 'STATUS_RUNNING', end_time_secs: 13 } }),
                },
              },
            },
          ],
        },
      }),
      event({ wall_time: 13, step: 9, session_log: { status: 'CHECKPOINT', checkpoint_path: '/ckpt/model' } }),
    ];
    const path = join(dir, 'events.out.tfevents.1700000000.protobufjs.1.0');
    writeFileSync(path, Buffer.concat(records.map((r) => encodeRecord(r))));
    const result = await readEvents(path);
    expect(result.damage).toEqual([]);
    events = result.events;
  });

  const values = (i: number) => events[i]!.summary!.values;

  it('reads the file version', () => {
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2', wallTime: 1, step: 0, offset: 0 });
    expect(events).toHaveLength(13);
  });

  it('reads simple_value scalars, with or without metadata', () => {
    expect(values(1)[0]).toEqual({ kind: 'scalar', tag: 'loss', value: 0.75 });
    expect(values(2)[0]).toMatchObject({ kind: 'scalar', tag: 'acc', value: 0.5, pluginName: 'scalars' });
  });

  it('reads tensor scalars from float_val, DT_DOUBLE tensor_content and data class SCALAR', () => {
    expect(values(3).map((v) => [v.tag, v.kind === 'scalar' ? v.value : v.kind])).toEqual([
      ['tf2', 1.5],
      ['tf2d', 0.1],
      ['tf2c', 4],
    ]);
  });

  it('uses a tag’s first metadata for its later values that lack it', () => {
    expect(values(4)[0]).toMatchObject({ kind: 'scalar', tag: 'tf2', value: 2.5, pluginName: 'scalars' });
  });

  it('reads HistogramProto (histo) as buckets from min to max', () => {
    expect(values(5)[0]).toEqual({
      kind: 'histogram',
      tag: 'hist',
      buckets: [
        { left: -1, right: 0, count: 1 },
        { left: 0, right: 1, count: 2 },
        { left: 1, right: 2, count: 2 },
        { left: 2, right: 3, count: 1 },
      ],
      stats: { min: -1, max: 3, num: 6, sum: 4, sumSquares: 14 },
    });
  });

  it('reads [k, 3] histogram tensors from double_val', () => {
    expect(values(6)[0]).toMatchObject({
      kind: 'histogram',
      buckets: [
        { left: 0, right: 1, count: 5 },
        { left: 1, right: 2, count: 7 },
      ],
    });
  });

  it('reads legacy Summary.Image', () => {
    const v = values(7)[0]!;
    expect(v).toMatchObject({ kind: 'image', tag: 'pic', width: 7, height: 5 });
    if (v.kind !== 'image') throw new Error('not an image');
    expect(Array.from(v.images[0]!)).toEqual(Array.from(PNG));
  });

  it('reads text tensors', () => {
    expect(values(8)[0]).toMatchObject({ kind: 'text', text: '# Title' });
  });

  it('reads hparams experiment, session start (Value kinds decoded to JS) and end', () => {
    const experiment = values(9)[0]!;
    if (experiment.kind !== 'hparams') throw new Error('not hparams');
    expect(experiment.data.experiment).toEqual({
      timeCreatedSecs: 0,
      hparamInfos: [{ name: 'units', type: 'float64', domainDiscrete: [16, 32] }],
      metricInfos: [{ name: { group: 'validation', tag: 'epoch_accuracy' }, datasetType: 'validation' }],
    });
    const start = values(10)[0]!;
    if (start.kind !== 'hparams') throw new Error('not hparams');
    expect(start.data.sessionStartInfo).toEqual({
      hparams: { units: 16, name: 'x', flag: false, none: null, list: [1, 'two'], nested: { a: 1 } },
      startTimeSecs: 12,
    });
    const end = values(11)[0]!;
    if (end.kind !== 'hparams') throw new Error('not hparams');
    expect(end.data.sessionEndInfo).toEqual({ status: 'running', endTimeSecs: 13 });
  });

  it('reads session logs', () => {
    expect(events[12]).toMatchObject({ step: 9, sessionLog: { status: 'checkpoint', checkpointPath: '/ckpt/model' } });
  });
});

describe('custom-scalars layout, decoded by protobufjs with TensorBoard’s layout.proto', () => {
  it('writes tag custom_scalars__config__ (plugin "custom_scalars") holding a serialized tensorboard.Layout as a rank-0 DT_STRING', () => {
    const writer = new SummaryWriter(join(dir, 'layout'), { flushIntervalMs: 0 });
    writer.customScalars([{ title: 'train vs validation', charts: [{ title: 'loss', tags: ['^(train|val)/loss$'] }, { tags: ['a', 'b'] }] }]);
    writer.close();
    const v = decodeAll(writer.path)[1]!.summary.value[0];
    expect(v.tag).toBe('custom_scalars__config__');
    expect(v.metadata.plugin_data.plugin_name).toBe('custom_scalars');
    expect(v.tensor.dtype).toBe('DT_STRING');
    expect(v.tensor.tensor_shape.dim ?? []).toEqual([]);
    const Layout = root.lookupType('tensorboard.Layout');
    // A chart's tag regexes live in its `multiline` content (Chart field 2 is a MultilineChartContent message).
    expect(Layout.toObject(Layout.decode(v.tensor.string_val[0]), TO_OBJECT)).toEqual({
      category: [{
        title: 'train vs validation',
        chart: [{ title: 'loss', content: 'multiline', multiline: { tag: ['^(train|val)/loss$'] } }, { content: 'multiline', multiline: { tag: ['a', 'b'] } }],
      }],
    });
  });

  it('writes margin charts (a value line inside its lower and upper tags) as MarginChartContent series', () => {
    const writer = new SummaryWriter(join(dir, 'margin'), { flushIntervalMs: 0 });
    writer.customScalars([{
      title: 'seeds', closed: true,
      charts: [{ title: 'val loss, mean ± sd', margin: [{ value: 'seeds/val_loss_mean', lower: 'seeds/val_loss_lower', upper: 'seeds/val_loss_upper' }] }],
    }]);
    writer.close();
    const Layout = root.lookupType('tensorboard.Layout');
    const layout = Layout.toObject(Layout.decode(decodeAll(writer.path)[1]!.summary.value[0].tensor.string_val[0]), TO_OBJECT);
    expect(layout).toEqual({
      category: [{
        title: 'seeds', closed: true,
        chart: [{ title: 'val loss, mean ± sd', content: 'margin', margin: { series: [{ value: 'seeds/val_loss_mean', lower: 'seeds/val_loss_lower', upper: 'seeds/val_loss_upper' }] } }],
      }],
    });
  });
});
