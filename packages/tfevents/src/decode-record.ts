import type { DecodedEvent, DecodedSessionLog } from './decoded-event.js';
import { interpretValue, type TagMetadata } from './interpret-value.js';
import { decodeEvent } from './proto/event.js';

const SESSION_LOG_STATUSES: readonly DecodedSessionLog['status'][] = ['unspecified', 'start', 'stop', 'checkpoint'];

/** Decodes one record's data (a serialized Event) and interprets its summary values. Throws if it is not an Event. */
export function decodeEventRecord(
  data: Uint8Array,
  offset: number,
  tagMetadata: TagMetadata = new Map(),
  file?: string,
): DecodedEvent {
  const e = decodeEvent(data);
  const event: DecodedEvent = { wallTime: e.wallTime, step: e.step, offset };
  if (file !== undefined) event.file = file;
  if (e.fileVersion !== undefined) event.fileVersion = e.fileVersion;
  if (e.summary) event.summary = { values: e.summary.value.map((v) => interpretValue(v, tagMetadata)) };
  if (e.sessionLog) {
    const { status, checkpointPath, msg } = e.sessionLog;
    event.sessionLog = { status: SESSION_LOG_STATUSES[status] ?? 'unspecified' };
    if (checkpointPath) event.sessionLog.checkpointPath = checkpointPath;
    if (msg) event.sessionLog.msg = msg;
  }
  if (e.graphDef) event.graphDef = e.graphDef;
  if (e.metaGraphDef) event.metaGraphDef = e.metaGraphDef;
  if (e.taggedRunMetadata) event.taggedRunMetadata = e.taggedRunMetadata;
  if (e.logMessage) event.logMessage = e.logMessage;
  return event;
}
