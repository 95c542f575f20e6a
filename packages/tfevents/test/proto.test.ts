import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bucketsFromEdges,
  computeHistogramBuckets,
  decodeEvent,
  decodeHParamsPluginData,
  decodeSummaryValue,
  decodeTensor,
  decodeTensorValues,
  DataType,
  encodeEvent,
  encodeHParamsPluginData,
  interpretValue,
} from '../src/index.js';
import { loadTensorBoardProtos } from './helpers.js';

let root: protobuf.Root;
beforeAll(() => {
  root = loadTensorBoardProtos();
});

describe('message decoding', () => {
  it('skips unknown fields and fields with an unexpected wire type', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.Bit64).double(12.5);
    w.tag(99, WireType.LengthDelimited).string('future field');
    w.tag(2, WireType.LengthDelimited).string('step sent with the wrong wire type');
    w.tag(10, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('source writer').join();
    w.tag(3, WireType.LengthDelimited).string('brain.Event:2');
    expect(decodeEvent(w.finish())).toEqual({ wallTime: 12.5, step: 0, fileVersion: 'brain.Event:2' });
  });

  it('lets the last member of a oneof win', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).string('t');
    w.tag(2, WireType.Bit32).float(1);
    w.tag(8, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int32(DataType.DT_FLOAT).join();
    const value = decodeSummaryValue(w.finish());
    expect(value.simpleValue).toBeUndefined();
    expect(value.tensor).toEqual({ dtype: DataType.DT_FLOAT });
  });

  it('reads repeated numbers packed and unpacked', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.Varint).int32(DataType.DT_FLOAT);
    w.tag(5, WireType.LengthDelimited).fork().float(1).float(2).join();
    w.tag(5, WireType.Bit32).float(3);
    w.tag(10, WireType.Varint).int64(-5n);
    expect(decodeTensor(w.finish())).toEqual({ dtype: DataType.DT_FLOAT, floatVal: [1, 2, 3], int64Val: [-5] });
  });

  it('throws on a message cut short (the reader turns that into "bad-event")', () => {
    const bytes = encodeEvent({ wallTime: 1, step: 2, fileVersion: 'brain.Event:2' });
    expect(() => decodeEvent(bytes.subarray(0, bytes.length - 3))).toThrow();
  });

  it('encodes step 0 and empty strings by omission, like proto3', () => {
    expect(encodeEvent({ wallTime: 0, step: 0 })).toHaveLength(0);
  });
});

describe('google.protobuf.Value in hparams', () => {
  it('round-trips every kind, nested, and keeps "__proto__" an ordinary key', () => {
    const hparams = JSON.parse(
      '{"n": 1.5, "s": "x", "b": true, "z": null, "list": [1, "a", [false]], "obj": {"k": {"deep": 2}}, "__proto__": 3}',
    );
    const bytes = encodeHParamsPluginData({ version: 0, sessionStartInfo: { hparams, startTimeSecs: 5 } });
    const decoded = decodeHParamsPluginData(bytes).sessionStartInfo!.hparams;
    expect(Object.keys(decoded).sort()).toEqual(['__proto__', 'b', 'list', 'n', 'obj', 's', 'z']);
    expect(decoded).toEqual(hparams);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);

    // And protobufjs with TensorBoard's protos reads the same.
    const PluginData = root.lookupType('tensorboard.hparams.HParamsPluginData');
    const viaProtobufjs = PluginData.toObject(PluginData.decode(bytes), { defaults: false }) as {
      session_start_info: { hparams: Record<string, Record<string, unknown>> };
    };
    expect(viaProtobufjs.session_start_info.hparams.n).toEqual({ number_value: 1.5 });
    expect(viaProtobufjs.session_start_info.hparams.z).toEqual({ null_value: 0 });
    expect(viaProtobufjs.session_start_info.hparams.list).toMatchObject({
      list_value: { values: [{ number_value: 1 }, { string_value: 'a' }, {}] },
    });
  });
});

describe('tensor values', () => {
  const content = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

  it('reads tensor_content of each numeric dtype, little endian', () => {
    const cases: [number, ArrayBufferView, number[]][] = [
      [DataType.DT_FLOAT, new Float32Array([1.5, -2]), [1.5, -2]],
      [DataType.DT_DOUBLE, new Float64Array([0.1, 1e300]), [0.1, 1e300]],
      [DataType.DT_INT32, new Int32Array([-7, 2 ** 31 - 1]), [-7, 2 ** 31 - 1]],
      [DataType.DT_INT64, new BigInt64Array([-3n, 2n ** 40n]), [-3, 2 ** 40]],
      [DataType.DT_UINT8, new Uint8Array([0, 255]), [0, 255]],
      [DataType.DT_HALF, new Uint16Array([0x3c00, 0xc000]), [1, -2]],
    ];
    for (const [dtype, array, expected] of cases) {
      const tensor = { dtype, tensorShape: { dim: [{ size: 2 }] }, tensorContent: content(array) };
      expect(decodeTensorValues(tensor).values).toEqual(expected);
    }
  });

  it('fills the shape from a single repeated value (TensorProto version 0)', () => {
    const tensor = { dtype: DataType.DT_FLOAT, tensorShape: { dim: [{ size: 3 }] }, floatVal: [2] };
    expect(decodeTensorValues(tensor).values).toEqual([2, 2, 2]);
  });

  it('reads booleans', () => {
    expect(decodeTensorValues({ dtype: DataType.DT_BOOL, boolVal: [true, false] }).values).toEqual([true, false]);
  });
});

describe('interpretValue', () => {
  it('returns "unknown" with a reason for a value that claims a plugin but does not fit it', () => {
    const value = {
      tag: 'x',
      metadata: { pluginData: { pluginName: 'scalars' } },
      tensor: { dtype: DataType.DT_STRING, stringVal: [] },
    };
    expect(interpretValue(value)).toMatchObject({ kind: 'unknown', tag: 'x', pluginName: 'scalars', reason: expect.any(String) });
  });

  it('returns "unknown" for audio and other plugins’ blobs', () => {
    expect(interpretValue({ tag: 'a', audio: new Uint8Array([1]) })).toMatchObject({ kind: 'unknown', tag: 'a' });
  });

  it('returns "unknown" for corrupt hparams content instead of throwing', () => {
    const content = new Uint8Array([0x12, 0x40]); // field 2, length 64, but nothing follows
    const value = { tag: '_hparams_/experiment', metadata: { pluginData: { pluginName: 'hparams', content } } };
    expect(interpretValue(value)).toMatchObject({ kind: 'unknown', pluginName: 'hparams' });
  });
});

describe('histogram buckets', () => {
  it('match TensorBoard’s histogram_pb for a known input', () => {
    // numpy: np.linspace(0, 1, 5); counts of [0, .1, .2, .5, .9, 1] in 4 equal buckets, max in the last.
    expect(computeHistogramBuckets([0, 0.1, 0.2, 0.5, 0.9, 1], 4)).toEqual([
      { left: 0, right: 0.25, count: 3 },
      { left: 0.25, right: 0.5, count: 0 },
      { left: 0.5, right: 0.75, count: 1 },
      { left: 0.75, right: 1, count: 2 },
    ]);
  });

  it('leave out NaN and infinities', () => {
    expect(computeHistogramBuckets([NaN, Infinity, 3, -Infinity])).toEqual([{ left: 2.5, right: 3.5, count: 1 }]);
  });

  it('reject a bad bucket count or mismatched edges', () => {
    expect(() => computeHistogramBuckets([1, 2], 0)).toThrow(RangeError);
    expect(() => bucketsFromEdges([0, 1], [1, 2])).toThrow(/one more edge/);
  });
});
