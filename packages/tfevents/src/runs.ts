import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Damage } from './damage.js';
import type { DecodedEvent } from './decoded-event.js';
import { isEventFileName } from './file-name.js';
import type { TagMetadata } from './interpret-value.js';
import { readEventFile, type ReadOptions } from './reader.js';

/** A run is a directory that directly holds event files; its files are read in name (= time) order. */

export interface RunReadResult {
  events: DecodedEvent[];
  damage: Damage[];
  files: string[];
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Real path of a symlink's target, or undefined if it is broken or points outside `root`. */
async function realPathInside(root: string, path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    return isInside(root, real) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Paths of the event files directly in `runDir`, sorted by name. Symlinks are followed only within `runDir`. */
export async function listEventFiles(runDir: string): Promise<string[]> {
  const root = await realpath(runDir);
  const names: string[] = [];
  for (const entry of await readdir(runDir, { withFileTypes: true })) {
    if (!isEventFileName(entry.name)) continue;
    if (entry.isFile()) names.push(entry.name);
    else if (entry.isSymbolicLink()) {
      const real = await realPathInside(root, join(runDir, entry.name));
      if (real && (await stat(real)).isFile()) names.push(entry.name);
    }
  }
  return names.sort().map((name) => join(runDir, name));
}

/**
 * Every directory under `logdir` (itself included, nested ones too) that directly holds an event file,
 * as names relative to `logdir` with '/' separators ('.' for `logdir` itself), sorted.
 * Symlinks are followed only when they stay inside `logdir`; unreadable directories are passed over.
 */
export async function listRuns(logdir: string): Promise<string[]> {
  const root = await realpath(logdir);
  const runs: string[] = [];
  const visited = new Set<string>();

  async function walk(dir: string): Promise<void> {
    if (visited.has(dir)) return;
    visited.add(dir);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    let holdsEvents = false;
    const subdirs: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) subdirs.push(path);
      else if (entry.isFile()) holdsEvents ||= isEventFileName(entry.name);
      else if (entry.isSymbolicLink()) {
        const real = await realPathInside(root, path);
        if (!real) continue;
        const info = await stat(real).catch(() => undefined);
        if (info?.isDirectory()) subdirs.push(real);
        else if (info?.isFile()) holdsEvents ||= isEventFileName(entry.name);
      }
    }
    if (holdsEvents) runs.push(relative(root, dir).split(sep).join('/') || '.');
    for (const subdir of subdirs) await walk(subdir);
  }

  await walk(root);
  return runs.sort();
}

/** Streams the events of all event files of one run directory, file after file. */
export async function* readRunEvents(runDir: string, options: ReadOptions = {}): AsyncGenerator<DecodedEvent, void, undefined> {
  const tagMetadata: TagMetadata = options.tagMetadata ?? new Map();
  for (const file of await listEventFiles(runDir)) {
    yield* readEventFile(file, { ...options, tagMetadata });
  }
}

/** Reads all event files of one run directory (not its sub-directories), in file-name order. */
export async function readRunDirectory(runDir: string, options: ReadOptions = {}): Promise<RunReadResult> {
  const files = await listEventFiles(runDir);
  const events: DecodedEvent[] = [];
  const damage: Damage[] = [];
  const tagMetadata: TagMetadata = options.tagMetadata ?? new Map();
  const onDamage = (d: Damage) => {
    damage.push(d);
    options.onDamage?.(d);
  };
  for (const file of files) {
    for await (const event of readEventFile(file, { ...options, tagMetadata, onDamage })) events.push(event);
  }
  return { events, damage, files };
}
