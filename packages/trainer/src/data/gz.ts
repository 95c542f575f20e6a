import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Reads a file, gunzipping it when it starts with the gzip magic (1f 8b). Errors name the file and the data set. */
export function readMaybeGzip(path: string, label: string): Uint8Array {
  if (!existsSync(path)) throw new Error(`${label}: ${path} does not exist`);
  if (!statSync(path).isFile()) throw new Error(`${label}: ${path} is not a file`);
  const raw = readFileSync(path);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (error) {
      throw new Error(`${label}: ${path} looks gzip-compressed but could not be decompressed (${error instanceof Error ? error.message : String(error)}); the file may be truncated`);
    }
  }
  if (path.endsWith('.gz')) throw new Error(`${label}: ${path} ends in .gz but is not gzip data (no 1f 8b magic)`);
  return raw;
}
