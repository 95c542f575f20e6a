import {
  decodeListValue,
  readMapEntryInto,
  writeListValue,
  writeMapOfValues,
  type JsonValue,
} from './struct.js';
import {
  asBool,
  asDouble,
  asInt32,
  asMessage,
  asString,
  clearMembers,
  encodeWith,
  readMessage,
  writeMessage,
  WireType,
  type BinaryWriter,
  type FieldTable,
} from './wire.js';

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
  /** Whether the sessions' values of this hparam differ (TensorBoard shows those columns first). */
  differs?: boolean;
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
  if (h.differs) w.tag(7, WireType.Varint).bool(true);
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

const INTERVAL_FIELDS: FieldTable<Interval> = {
  1: asDouble((i, v) => (i.minValue = v)),
  2: asDouble((i, v) => (i.maxValue = v)),
};

const HPARAM_INFO_FIELDS: FieldTable<HParamInfo> = {
  1: asString((h, v) => (h.name = v)),
  2: asString((h, v) => (h.displayName = v)),
  3: asString((h, v) => (h.description = v)),
  4: asInt32((h, v) => (h.type = nameOf(HPARAM_TYPES, v))),
  5: asMessage((h, b) => {
    delete h.domainInterval;
    h.domainDiscrete = decodeListValue(b);
  }),
  6: asMessage((h, b) => {
    delete h.domainDiscrete;
    h.domainInterval = readMessage(b, { minValue: 0, maxValue: 0 }, INTERVAL_FIELDS);
  }),
  7: asBool((h, v) => (h.differs = v)),
};

const METRIC_NAME_FIELDS: FieldTable<MetricName> = {
  1: asString((n, v) => (n.group = v)),
  2: asString((n, v) => (n.tag = v)),
};

const METRIC_INFO_FIELDS: FieldTable<MetricInfo> = {
  1: asMessage((m, b) => readMessage(b, m.name, METRIC_NAME_FIELDS)),
  3: asString((m, v) => (m.displayName = v)),
  4: asString((m, v) => (m.description = v)),
  5: asInt32((m, v) => (m.datasetType = nameOf(DATASET_TYPES, v))),
};

const EXPERIMENT_FIELDS: FieldTable<Experiment> = {
  6: asString((e, v) => (e.name = v)),
  1: asString((e, v) => (e.description = v)),
  2: asString((e, v) => (e.user = v)),
  3: asDouble((e, v) => (e.timeCreatedSecs = v)),
  4: asMessage((e, b) => e.hparamInfos.push(readMessage(b, { name: '', type: 'unset' }, HPARAM_INFO_FIELDS))),
  5: asMessage((e, b) =>
    e.metricInfos.push(readMessage(b, { name: { group: '', tag: '' }, datasetType: 'unknown' }, METRIC_INFO_FIELDS)),
  ),
};

const SESSION_START_FIELDS: FieldTable<SessionStartInfo> = {
  1: asMessage((s, b) => readMapEntryInto(b, s.hparams)),
  2: asString((s, v) => (s.modelUri = v)),
  3: asString((s, v) => (s.monitorUrl = v)),
  4: asString((s, v) => (s.groupName = v)),
  5: asDouble((s, v) => (s.startTimeSecs = v)),
};

const SESSION_END_FIELDS: FieldTable<SessionEndInfo> = {
  1: asInt32((s, v) => (s.status = nameOf(SESSION_STATUSES, v))),
  2: asDouble((s, v) => (s.endTimeSecs = v)),
};

/** Members of the `data` oneof: setting one clears the others, so the last one read wins, as in protobuf. */
const DATA_MEMBERS: readonly (keyof HParamsPluginData)[] = ['experiment', 'sessionStartInfo', 'sessionEndInfo'];

const clearData = (target: HParamsPluginData): HParamsPluginData => clearMembers(target, DATA_MEMBERS);

const PLUGIN_DATA_FIELDS: FieldTable<HParamsPluginData> = {
  1: asInt32((d, v) => (d.version = v)),
  2: asMessage((d, b) => {
    const empty: Experiment = { timeCreatedSecs: 0, hparamInfos: [], metricInfos: [] };
    clearData(d).experiment = readMessage(b, empty, EXPERIMENT_FIELDS);
  }),
  3: asMessage((d, b) => {
    const empty: SessionStartInfo = { hparams: {}, startTimeSecs: 0 };
    clearData(d).sessionStartInfo = readMessage(b, empty, SESSION_START_FIELDS);
  }),
  4: asMessage((d, b) => {
    const empty: SessionEndInfo = { status: 'unknown', endTimeSecs: 0 };
    clearData(d).sessionEndInfo = readMessage(b, empty, SESSION_END_FIELDS);
  }),
};

export function decodeHParamsPluginData(bytes: Uint8Array): HParamsPluginData {
  return readMessage(bytes, { version: 0 }, PLUGIN_DATA_FIELDS);
}
