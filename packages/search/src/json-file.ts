import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@cnnlab/core/io';

/** Reads a JSON file written by this package, with a clear message when it is missing or damaged. */
export function readJsonFile<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export function writeJsonFile(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
