import { decodeSummary, writeSummary, type Summary } from './summary.js';
import {
  asBytes,
  asDouble,
  asInt32,
  asInt64,
  asMessage,
  asString,
  clearMembers,
  encodeWith,
  readMessage,
  toInt64,
  writeMessage,
  WireType,
  type BinaryWriter,
  type FieldTable,
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

/** Members of the `what` oneof: setting one clears the others, so the last one read wins, as in protobuf. */
const WHAT_MEMBERS: readonly (keyof Event)[] = [
  'fileVersion',
  'graphDef',
  'summary',
  'logMessage',
  'sessionLog',
  'taggedRunMetadata',
  'metaGraphDef',
];

const clearWhat = (target: Event): Event => clearMembers(target, WHAT_MEMBERS);

const SESSION_LOG_FIELDS: FieldTable<SessionLog> = {
  1: asInt32((s, v) => (s.status = v)),
  2: asString((s, v) => (s.checkpointPath = v)),
  3: asString((s, v) => (s.msg = v)),
};

const LOG_MESSAGE_FIELDS: FieldTable<LogMessage> = {
  1: asInt32((m, v) => (m.level = v)),
  2: asString((m, v) => (m.message = v)),
};

const TAGGED_RUN_METADATA_FIELDS: FieldTable<TaggedRunMetadata> = {
  1: asString((t, v) => (t.tag = v)),
  2: asBytes((t, v) => (t.runMetadata = v)),
};

const EVENT_FIELDS: FieldTable<Event> = {
  1: asDouble((e, v) => (e.wallTime = v)),
  2: asInt64((e, v) => (e.step = v)),
  3: asString((e, v) => (clearWhat(e).fileVersion = v)),
  4: asBytes((e, v) => (clearWhat(e).graphDef = v)),
  5: asMessage((e, b) => (clearWhat(e).summary = decodeSummary(b))),
  6: asMessage((e, b) => (clearWhat(e).logMessage = readMessage(b, { level: 0, message: '' }, LOG_MESSAGE_FIELDS))),
  7: asMessage((e, b) => (clearWhat(e).sessionLog = readMessage(b, { status: 0 }, SESSION_LOG_FIELDS))),
  8: asMessage((e, b) => {
    const empty: TaggedRunMetadata = { tag: '', runMetadata: new Uint8Array(0) };
    clearWhat(e).taggedRunMetadata = readMessage(b, empty, TAGGED_RUN_METADATA_FIELDS);
  }),
  9: asBytes((e, v) => (clearWhat(e).metaGraphDef = v)),
};

export function decodeEvent(bytes: Uint8Array): Event {
  return readMessage(bytes, { wallTime: 0, step: 0 }, EVENT_FIELDS);
}
