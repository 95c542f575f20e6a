import type { TagMetadata } from './interpret-value.js';
import { PluginName } from './plugins.js';
import { DataClass } from './proto/summary.js';
import { DataType } from './proto/tensor.js';

/**
 * A scalar-only reading of one record: the summary values of an Event that holds nothing but scalars, read
 * straight from its bytes without building the Event, its Summary and a value object per tag (a scan of
 * millions of records otherwise leaves as many objects for the garbage collector). It accepts only the shapes
 * it can read exactly as `decodeEventRecord` + `interpretValue` do; for anything else it answers false and the
 * caller decodes the record in full.
 */
export class ScalarRecordReader {
  /** The record's values once `read` answered true: `count` of them. */
  readonly tags: string[] = [];
  values = new Float64Array(16);
  count = 0;
  wallTime = 0;
  step = 0;
  private readonly tagCache: { bytes: Uint8Array; tag: string }[] = [];
  private view: DataView | null = null;

  constructor(private readonly tagMetadata: TagMetadata) {}

  /** Reads `bytes[start, end)`, an Event's serialized bytes. False: not a scalars-only event (nothing to trust in the fields). */
  read(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.view?.buffer !== bytes.buffer || this.view.byteOffset !== bytes.byteOffset || this.view.byteLength !== bytes.byteLength) this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.count = 0;
    this.wallTime = 0;
    this.step = 0;
    let summaries = 0;
    let p = start;
    while (p < end) {
      const key = bytes[p++]!;
      if (key === 0x09) {
        // wall_time, double
        if (p + 8 > end) return false;
        this.wallTime = this.view.getFloat64(p, true);
        p += 8;
      } else if (key === 0x10) {
        // step, int64 varint: only values a double holds exactly and a positive varint can carry (else the full decoder)
        let value = 0;
        let scale = 1;
        for (let i = 0; ; i++) {
          if (p >= end || i >= 7) return false;
          const b = bytes[p++]!;
          value += (b & 0x7f) * scale;
          scale *= 128;
          if (b < 0x80) break;
        }
        this.step = value;
      } else if (key === 0x2a) {
        // summary: only one (protobuf would merge several)
        if (++summaries > 1) return false;
        const length = this.varint(bytes, p, end);
        if (length < 0) return false;
        p = this.next;
        if (p + length > end || !this.readSummary(bytes, p, p + length)) return false;
        p += length;
      } else {
        return false;
      }
    }
    return summaries === 1 && this.count > 0;
  }

  private next = 0;

  /** A varint below 2^28 at `p` (its end in `this.next`), or -1. */
  private varint(bytes: Uint8Array, p: number, end: number): number {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= end) return -1;
      const b = bytes[p++]!;
      value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.next = p;
        return value;
      }
    }
    return -1;
  }

  private readSummary(bytes: Uint8Array, p: number, end: number): boolean {
    while (p < end) {
      if (bytes[p++] !== 0x0a) return false;
      const length = this.varint(bytes, p, end);
      if (length < 0) return false;
      p = this.next;
      if (p + length > end || !this.readValue(bytes, p, p + length)) return false;
      p += length;
    }
    return true;
  }

  /** One Summary.Value: a tag, optional metadata, and either simple_value or a rank-0 float/double tensor in tensor_content. */
  private readValue(bytes: Uint8Array, p: number, end: number): boolean {
    let tagStart = -1;
    let tagEnd = -1;
    let metaStart = -1;
    let metaEnd = -1;
    let simple: number | undefined;
    let tensorStart = -1;
    let tensorEnd = -1;
    while (p < end) {
      const key = bytes[p++]!;
      if (key === 0x15) {
        if (p + 4 > end || simple !== undefined || tensorStart >= 0) return false;
        simple = this.view!.getFloat32(p, true);
        p += 4;
        continue;
      }
      if (key !== 0x0a && key !== 0x4a && key !== 0x42) return false;
      const length = this.varint(bytes, p, end);
      if (length < 0) return false;
      p = this.next;
      if (p + length > end) return false;
      if (key === 0x0a) {
        if (tagStart >= 0) return false;
        tagStart = p;
        tagEnd = p + length;
      } else if (key === 0x4a) {
        if (metaStart >= 0) return false;
        metaStart = p;
        metaEnd = p + length;
      } else {
        if (tensorStart >= 0 || simple !== undefined) return false;
        tensorStart = p;
        tensorEnd = p + length;
      }
      p += length;
    }
    if (tagStart < 0) return false;
    const tag = this.tagOf(bytes, tagStart, tagEnd);
    // A tag's first metadata is remembered for its later values: the full decoder records it.
    if (metaStart >= 0 && !this.tagMetadata.has(tag)) return false;
    let value: number;
    if (simple !== undefined) {
      value = simple;
    } else {
      if (tensorStart < 0) return false;
      const scalarMetadata = metaStart >= 0 ? isScalarMetadata(bytes, metaStart, metaEnd) : isScalarMetadataObject(this.tagMetadata.get(tag));
      if (!scalarMetadata) return false;
      const tensorValue = this.readTensor(bytes, tensorStart, tensorEnd);
      if (tensorValue === undefined) return false;
      value = tensorValue;
    }
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.tags[this.count] = tag;
    this.values[this.count++] = value;
    return true;
  }

  /** dtype DT_FLOAT or DT_DOUBLE, an empty shape, its one number in tensor_content; nothing else. */
  private readTensor(bytes: Uint8Array, p: number, end: number): number | undefined {
    let dtype = 0;
    let contentStart = -1;
    let contentLength = 0;
    while (p < end) {
      const key = bytes[p++]!;
      if (key === 0x08) {
        if (p >= end || bytes[p]! >= 0x80) return undefined;
        dtype = bytes[p++]!;
      } else if (key === 0x12) {
        // tensor_shape: rank 0 only
        if (p >= end || bytes[p++] !== 0) return undefined;
      } else if (key === 0x22) {
        const length = this.varint(bytes, p, end);
        if (length < 0 || contentStart >= 0) return undefined;
        p = this.next;
        if (p + length > end) return undefined;
        contentStart = p;
        contentLength = length;
        p += length;
      } else {
        return undefined;
      }
    }
    if (dtype === DataType.DT_FLOAT && contentLength === 4) return this.view!.getFloat32(contentStart, true);
    if (dtype === DataType.DT_DOUBLE && contentLength === 8) return this.view!.getFloat64(contentStart, true);
    return undefined;
  }

  /** The tag's string, reusing the one decoded for the same bytes before (a run has a few tags, seen millions of times). */
  private tagOf(bytes: Uint8Array, start: number, end: number): string {
    const length = end - start;
    for (const entry of this.tagCache) {
      const known = entry.bytes;
      if (known.length !== length) continue;
      let i = 0;
      while (i < length && known[i] === bytes[start + i]) i++;
      if (i === length) return entry.tag;
    }
    const tag = utf8.decode(bytes.subarray(start, end));
    if (this.tagCache.length < MAX_CACHED_TAGS) this.tagCache.push({ bytes: bytes.slice(start, end), tag });
    return tag;
  }
}

const MAX_CACHED_TAGS = 64;
const utf8 = new TextDecoder();
const SCALARS_NAME = new TextEncoder().encode(PluginName.SCALARS);

function isScalarMetadataObject(metadata: { pluginData?: { pluginName?: string }; dataClass?: number } | undefined): boolean {
  if (!metadata) return false;
  const name = metadata.pluginData?.pluginName;
  return name ? name === PluginName.SCALARS : metadata.dataClass === DataClass.DATA_CLASS_SCALAR;
}

/**
 * SummaryMetadata bytes that send a tensor to `scalarFromTensor`: plugin "scalars", or no plugin name and the
 * scalar data class. Anything unusual (a field repeated, an unknown one) answers false.
 */
function isScalarMetadata(bytes: Uint8Array, p: number, end: number): boolean {
  let plugin: 'none' | 'scalars' | 'other' = 'none';
  let dataClass = 0;
  let seenPlugin = false;
  let seenClass = false;
  while (p < end) {
    const key = bytes[p++]!;
    if (key === 0x20) {
      if (seenClass || p >= end || bytes[p]! >= 0x80) return false;
      seenClass = true;
      dataClass = bytes[p++]!;
      continue;
    }
    if (key !== 0x0a && key !== 0x12 && key !== 0x1a) return false;
    const length = bytes[p++];
    if (length === undefined || length >= 0x80 || p + length > end) return false;
    if (key === 0x0a) {
      if (seenPlugin) return false;
      seenPlugin = true;
      // PluginData: plugin_name (1) and content (2)
      let q = p;
      const pluginEnd = p + length;
      while (q < pluginEnd) {
        const k = bytes[q++]!;
        const l = bytes[q++];
        if ((k !== 0x0a && k !== 0x12) || l === undefined || l >= 0x80 || q + l > pluginEnd) return false;
        if (k === 0x0a) {
          if (plugin !== 'none') return false;
          plugin = l === 0 ? 'none' : sameBytes(bytes, q, l, SCALARS_NAME) ? 'scalars' : 'other';
        }
        q += l;
      }
    }
    p += length;
  }
  return plugin === 'scalars' || (plugin === 'none' && dataClass === DataClass.DATA_CLASS_SCALAR);
}

function sameBytes(bytes: Uint8Array, at: number, length: number, expected: Uint8Array): boolean {
  if (length !== expected.length) return false;
  for (let i = 0; i < length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}
