import { HttpError } from './paths.js';

type Query = Record<string, unknown>;

/** A query parameter given once, as a string; undefined when absent; 400 naming it when repeated. */
export function stringParam(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new HttpError(400, `${name} must be given once, as a plain value`);
  return raw;
}

/** A yes/no parameter: 1/true/yes or 0/false/no; absent or empty is `fallback`; anything else is a 400 naming it. */
export function flagParam(query: Query, name: string, fallback = false): boolean {
  const raw = stringParam(query, name);
  if (raw === undefined || raw === '') return fallback;
  const v = raw.toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes') return true;
  if (v === '0' || v === 'false' || v === 'no') return false;
  throw new HttpError(400, `${name} must be 1 or 0 (true or false), got "${raw}"`);
}

/** An integer parameter in [min, max]; absent or empty is undefined; anything else is a 400 naming it. */
export function intParam(query: Query, name: string, min: number, max: number): number | undefined {
  const raw = stringParam(query, name);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new HttpError(400, `${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** A finite number parameter; absent or empty is undefined; anything else is a 400 naming it. */
export function numberParam(query: Query, name: string): number | undefined {
  const raw = stringParam(query, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new HttpError(400, `${name} must be a number, got "${raw}"`);
  return n;
}
