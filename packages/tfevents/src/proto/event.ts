import { decodeSummary, writeSummary, type Summary } from './summary.js';
import {
  asBytes,
  asDouble,
  asInt32,
  asInt64,
  asMessage,
  asString,
  encodeWith,
  readFields,
  toInt64,
  writeMessage,
  WireType,
  type BinaryWriter,
} from './wire.js';

export const FILE_VERSION = 'brain.Event:2';

/** SessionLog.SessionStatus */
export const SessionStatus = { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } as const;

export interface SessionLog {
  status: number;
  checkpointPath?: string;
  msg?: string;
}

export interface TaggedRunMetadata {
  tag: string;
  runMetadata: Uint8Array;
}

/** LogMessage (deprecated in TensorFlow; decoded for old files). */
export interface LogMessage {
  level: number;
  message: string;
}

/** tensorboard.Event. At most one of fileVersion … metaGraphDef is set (the `what` oneof). */
export interface Event {
  wallTime: number;
  step: number;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: Summary;
  logMessage?: LogMessage;
  sessionLog?: SessionLog;
  taggedRunMetadata?: TaggedRunMetadata;
  metaGraphDef?: Uint8Array;
}

export function writeEvent(w: BinaryWriter, e: Event): void {
  if (e.wallTime !== 0) w.tag(1, WireType.Bit64).double(e.wallTime);
  if (e.step !== 0) w.tag(2, WireType.Varint).int64(toInt64(e.step, 'step'));
  if (e.fileVersion !== undefined) w.tag(3, WireType.LengthDelimited).string(e.fileVersion);
  else if (e.graphDef) w.tag(4, WireType.LengthDelimited).bytes(e.graphDef);
  else if (e.summary) writeMessage(w, 5, e.summary, writeSummary);
  else if (e.logMessage) {
    writeMessage(w, 6, e.logMessage, (w, m) => {
      if (m.level) w.tag(1, WireType.Varint).int32(m.level);
      if (m.message) w.tag(2, WireType.LengthDelimited).string(m.message);
    });
  } else if (e.sessionLog) {
    writeMessage(w, 7, e.sessionLog, (w, s) => {
      if (s.status) w.tag(1, WireType.Varint).int32(s.status);
      if (s.checkpointPath) w.tag(2, WireType.LengthDelimited).string(s.checkpointPath);
      if (s.msg) w.tag(3, WireType.LengthDelimited).string(s.msg);
    });
  } else if (e.taggedRunMetadata) {
    writeMessage(w, 8, e.taggedRunMetadata, (w, t) => {
      if (t.tag) w.tag(1, WireType.LengthDelimited).string(t.tag);
      if (t.runMetadata.length > 0) w.tag(2, WireType.LengthDelimited).bytes(t.runMetadata);
    });
  } else if (e.metaGraphDef) w.tag(9, WireType.LengthDelimited).bytes(e.metaGraphDef);
}

export function encodeEvent(e: Event): Uint8Array {
  return encodeWith(e, writeEvent);
}

export function decodeEvent(bytes: Uint8Array): Event {
  const e: Event = { wallTime: 0, step: 0 };
  const setWhat = (apply: () => void) => {
    delete e.fileVersion;
    delete e.graphDef;
    delete e.summary;
    delete e.logMessage;
    delete e.sessionLog;
    delete e.taggedRunMetadata;
    delete e.metaGraphDef;
    apply();
  };
  readFields(bytes, {
    1: asDouble((v) => (e.wallTime = v)),
    2: asInt64((v) => (e.step = v)),
    3: asString((v) => setWhat(() => (e.fileVersion = v))),
    4: asBytes((v) => setWhat(() => (e.graphDef = v))),
    5: asMessage((b) => setWhat(() => (e.summary = decodeSummary(b)))),
    6: asMessage((b) => setWhat(() => (e.logMessage = decodeLogMessage(b)))),
    7: asMessage((b) => setWhat(() => (e.sessionLog = decodeSessionLog(b)))),
    8: asMessage((b) => setWhat(() => (e.taggedRunMetadata = decodeTaggedRunMetadata(b)))),
    9: asBytes((v) => setWhat(() => (e.metaGraphDef = v))),
  });
  return e;
}

function decodeSessionLog(bytes: Uint8Array): SessionLog {
  const s: SessionLog = { status: 0 };
  readFields(bytes, {
    1: asInt32((v) => (s.status = v)),
    2: asString((v) => (s.checkpointPath = v)),
    3: asString((v) => (s.msg = v)),
  });
  return s;
}

function decodeLogMessage(bytes: Uint8Array): LogMessage {
  const m: LogMessage = { level: 0, message: '' };
  readFields(bytes, {
    1: asInt32((v) => (m.level = v)),
    2: asString((v) => (m.message = v)),
  });
  return m;
}

function decodeTaggedRunMetadata(bytes: Uint8Array): TaggedRunMetadata {
  const t: TaggedRunMetadata = { tag: '', runMetadata: new Uint8Array(0) };
  readFields(bytes, {
    1: asString((v) => (t.tag = v)),
    2: asBytes((v) => (t.runMetadata = v)),
  });
  return t;
}
