import {
  decodeListValue,
  readMapEntryInto,
  writeListValue,
  writeMapOfValues,
  type JsonValue,
} from './struct.js';
import { asDouble, asInt32, asMessage, asString, encodeWith, readFields, writeMessage, WireType, type BinaryWriter } from './wire.js';

/** Messages of TensorBoard's hparams plugin (tensorboard.hparams), with enums as names. */

export type HParamType = 'unset' | 'string' | 'bool' | 'float64';
export type DatasetType = 'unknown' | 'training' | 'validation';
export type SessionStatusName = 'unknown' | 'success' | 'failure' | 'running';

const HPARAM_TYPES: readonly HParamType[] = ['unset', 'string', 'bool', 'float64'];
const DATASET_TYPES: readonly DatasetType[] = ['unknown', 'training', 'validation'];
const SESSION_STATUSES: readonly SessionStatusName[] = ['unknown', 'success', 'failure', 'running'];

const nameOf = <T extends string>(names: readonly T[], value: number): T => names[value] ?? names[0]!;
const numberOf = <T extends string>(names: readonly T[], name: T): number => Math.max(0, names.indexOf(name));

export interface Interval {
  minValue: number;
  maxValue: number;
}

export interface HParamInfo {
  name: string;
  displayName?: string;
  description?: string;
  type: HParamType;
  domainDiscrete?: JsonValue[];
  domainInterval?: Interval;
}

export interface MetricName {
  group: string;
  tag: string;
}

export interface MetricInfo {
  name: MetricName;
  displayName?: string;
  description?: string;
  datasetType: DatasetType;
}

export interface Experiment {
  name?: string;
  description?: string;
  user?: string;
  timeCreatedSecs: number;
  hparamInfos: HParamInfo[];
  metricInfos: MetricInfo[];
}

export interface SessionStartInfo {
  hparams: { [name: string]: JsonValue };
  modelUri?: string;
  monitorUrl?: string;
  groupName?: string;
  startTimeSecs: number;
}

export interface SessionEndInfo {
  status: SessionStatusName;
  endTimeSecs: number;
}

/** HParamsPluginData: the `content` of an hparams summary's plugin data. One of the three parts is set. */
export interface HParamsPluginData {
  version: number;
  experiment?: Experiment;
  sessionStartInfo?: SessionStartInfo;
  sessionEndInfo?: SessionEndInfo;
}

function writeString(w: BinaryWriter, fieldNo: number, value: string | undefined): void {
  if (value) w.tag(fieldNo, WireType.LengthDelimited).string(value);
}

function writeDouble(w: BinaryWriter, fieldNo: number, value: number): void {
  if (value !== 0) w.tag(fieldNo, WireType.Bit64).double(value);
}

function writeEnum(w: BinaryWriter, fieldNo: number, value: number): void {
  if (value !== 0) w.tag(fieldNo, WireType.Varint).int32(value);
}

export function writeHParamInfo(w: BinaryWriter, h: HParamInfo): void {
  writeString(w, 1, h.name);
  writeString(w, 2, h.displayName);
  writeString(w, 3, h.description);
  writeEnum(w, 4, numberOf(HPARAM_TYPES, h.type));
  if (h.domainDiscrete) writeMessage(w, 5, h.domainDiscrete, writeListValue);
  else if (h.domainInterval) {
    writeMessage(w, 6, h.domainInterval, (w, i) => {
      writeDouble(w, 1, i.minValue);
      writeDouble(w, 2, i.maxValue);
    });
  }
}

export function writeMetricInfo(w: BinaryWriter, m: MetricInfo): void {
  writeMessage(w, 1, m.name, (w, n) => {
    writeString(w, 1, n.group);
    writeString(w, 2, n.tag);
  });
  writeString(w, 3, m.displayName);
  writeString(w, 4, m.description);
  writeEnum(w, 5, numberOf(DATASET_TYPES, m.datasetType));
}

export function writeExperiment(w: BinaryWriter, e: Experiment): void {
  writeString(w, 6, e.name);
  writeString(w, 1, e.description);
  writeString(w, 2, e.user);
  writeDouble(w, 3, e.timeCreatedSecs);
  for (const h of e.hparamInfos) writeMessage(w, 4, h, writeHParamInfo);
  for (const m of e.metricInfos) writeMessage(w, 5, m, writeMetricInfo);
}

export function writeSessionStartInfo(w: BinaryWriter, s: SessionStartInfo): void {
  writeMapOfValues(w, 1, s.hparams);
  writeString(w, 2, s.modelUri);
  writeString(w, 3, s.monitorUrl);
  writeString(w, 4, s.groupName);
  writeDouble(w, 5, s.startTimeSecs);
}

export function writeSessionEndInfo(w: BinaryWriter, s: SessionEndInfo): void {
  writeEnum(w, 1, numberOf(SESSION_STATUSES, s.status));
  writeDouble(w, 2, s.endTimeSecs);
}

export function writeHParamsPluginData(w: BinaryWriter, d: HParamsPluginData): void {
  writeEnum(w, 1, d.version);
  if (d.experiment) writeMessage(w, 2, d.experiment, writeExperiment);
  else if (d.sessionStartInfo) writeMessage(w, 3, d.sessionStartInfo, writeSessionStartInfo);
  else if (d.sessionEndInfo) writeMessage(w, 4, d.sessionEndInfo, writeSessionEndInfo);
}

export function encodeHParamsPluginData(d: HParamsPluginData): Uint8Array {
  return encodeWith(d, writeHParamsPluginData);
}

function decodeHParamInfo(bytes: Uint8Array): HParamInfo {
  const h: HParamInfo = { name: '', type: 'unset' };
  readFields(bytes, {
    1: asString((v) => (h.name = v)),
    2: asString((v) => (h.displayName = v)),
    3: asString((v) => (h.description = v)),
    4: asInt32((v) => (h.type = nameOf(HPARAM_TYPES, v))),
    5: asMessage((b) => {
      delete h.domainInterval;
      h.domainDiscrete = decodeListValue(b);
    }),
    6: asMessage((b) => {
      delete h.domainDiscrete;
      h.domainInterval = decodeInterval(b);
    }),
  });
  return h;
}

function decodeInterval(bytes: Uint8Array): Interval {
  const i: Interval = { minValue: 0, maxValue: 0 };
  readFields(bytes, {
    1: asDouble((v) => (i.minValue = v)),
    2: asDouble((v) => (i.maxValue = v)),
  });
  return i;
}

function decodeMetricInfo(bytes: Uint8Array): MetricInfo {
  const m: MetricInfo = { name: { group: '', tag: '' }, datasetType: 'unknown' };
  readFields(bytes, {
    1: asMessage((b) =>
      readFields(b, {
        1: asString((v) => (m.name.group = v)),
        2: asString((v) => (m.name.tag = v)),
      }),
    ),
    3: asString((v) => (m.displayName = v)),
    4: asString((v) => (m.description = v)),
    5: asInt32((v) => (m.datasetType = nameOf(DATASET_TYPES, v))),
  });
  return m;
}

function decodeExperiment(bytes: Uint8Array): Experiment {
  const e: Experiment = { timeCreatedSecs: 0, hparamInfos: [], metricInfos: [] };
  readFields(bytes, {
    6: asString((v) => (e.name = v)),
    1: asString((v) => (e.description = v)),
    2: asString((v) => (e.user = v)),
    3: asDouble((v) => (e.timeCreatedSecs = v)),
    4: asMessage((b) => e.hparamInfos.push(decodeHParamInfo(b))),
    5: asMessage((b) => e.metricInfos.push(decodeMetricInfo(b))),
  });
  return e;
}

function decodeSessionStartInfo(bytes: Uint8Array): SessionStartInfo {
  const s: SessionStartInfo = { hparams: {}, startTimeSecs: 0 };
  readFields(bytes, {
    1: asMessage((b) => readMapEntryInto(b, s.hparams)),
    2: asString((v) => (s.modelUri = v)),
    3: asString((v) => (s.monitorUrl = v)),
    4: asString((v) => (s.groupName = v)),
    5: asDouble((v) => (s.startTimeSecs = v)),
  });
  return s;
}

function decodeSessionEndInfo(bytes: Uint8Array): SessionEndInfo {
  const s: SessionEndInfo = { status: 'unknown', endTimeSecs: 0 };
  readFields(bytes, {
    1: asInt32((v) => (s.status = nameOf(SESSION_STATUSES, v))),
    2: asDouble((v) => (s.endTimeSecs = v)),
  });
  return s;
}

export function decodeHParamsPluginData(bytes: Uint8Array): HParamsPluginData {
  const d: HParamsPluginData = { version: 0 };
  const setData = (apply: () => void) => {
    delete d.experiment;
    delete d.sessionStartInfo;
    delete d.sessionEndInfo;
    apply();
  };
  readFields(bytes, {
    1: asInt32((v) => (d.version = v)),
    2: asMessage((b) => setData(() => (d.experiment = decodeExperiment(b)))),
    3: asMessage((b) => setData(() => (d.sessionStartInfo = decodeSessionStartInfo(b)))),
    4: asMessage((b) => setData(() => (d.sessionEndInfo = decodeSessionEndInfo(b)))),
  });
  return d;
}
