/**
 * Damage found while reading an event file:
 * - `truncated`: the file ends inside a record (a writer still running, or killed); reading ends at the last complete record.
 * - `bad-length-crc`: a record header fails its CRC, so its length cannot be trusted.
 * - `bad-data-crc`: a record's data fails its CRC.
 * - `bad-event`: a record is intact but is not a decodable Event.
 * - `not-an-event-file`: the very first record header fails its CRC.
 */
export type DamageKind = 'truncated' | 'bad-length-crc' | 'bad-data-crc' | 'bad-event' | 'not-an-event-file';

export interface Damage {
  kind: DamageKind;
  /** Byte offset of the damaged record (or of the truncated tail). */
  offset: number;
  /** Bytes affected, where known: the whole record for a bad data CRC, the remaining bytes when truncated. */
  length?: number;
  message: string;
  /** The event file, when reading several. */
  file?: string;
}

/** What to do with a corrupt record: skip it and go on (default), or stop reading there. */
export type CorruptPolicy = 'skip' | 'stop';
