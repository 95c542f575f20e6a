import { hostname } from 'node:os';

export const EVENT_FILE_PREFIX = 'events.out.tfevents.';

let fileCounter = 0;

/** Takes the next value of the process-wide counter that ends event file names (TensorBoard's global uid). */
export function nextFileCounter(): number {
  return fileCounter++;
}

export interface EventFileNameParts {
  /** Seconds since the epoch; defaults to now. */
  time?: number;
  host?: string;
  pid?: number;
  counter?: number;
  suffix?: string;
}

/** `events.out.tfevents.<10-digit seconds>.<host>.<pid>.<counter><suffix>` */
export function eventFileName(parts: EventFileNameParts = {}): string {
  const seconds = String(Math.floor(parts.time ?? Date.now() / 1000)).padStart(10, '0');
  const host = (parts.host ?? hostname()).replace(/[/\\]/g, '_') || 'localhost';
  const counter = parts.counter ?? nextFileCounter();
  return `${EVENT_FILE_PREFIX}${seconds}.${host}.${parts.pid ?? process.pid}.${counter}${parts.suffix ?? ''}`;
}

/** The seconds field of an event file's name, or undefined for other names. */
export function eventFileSeconds(name: string): number | undefined {
  if (!isEventFileName(name)) return undefined;
  const seconds = /^\d+/.exec(name.slice(EVENT_FILE_PREFIX.length));
  return seconds ? Number(seconds[0]) : undefined;
}

export function isEventFileName(name: string): boolean {
  return name.startsWith(EVENT_FILE_PREFIX);
}
