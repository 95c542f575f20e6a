import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Damage } from './damage.js';
import type { DecodedEvent } from './decoded-event.js';
import { isEventFileName } from './file-name.js';
import type { TagMetadata } from './interpret-value.js';
import { readEventFile, type ReadOptions } from './reader.js';
import { applyRestarts } from './restarts.js';

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
/** Sibling directories read at once by listRuns. */
const WALK_CONCURRENCY = 2;

export interface ListRunsOptions {
  /**
   * Called with each run as soon as the walk finds it, before the walk goes on (a dashboard starts reading the
   * first runs of a large logdir while the rest is listed). Sub-directories are taken in descending name order
   * (a few at once), so date-stamped run names come roughly newest first.
   */
  onRun?: (name: string) => void;
}

export async function listRuns(logdir: string, options: ListRunsOptions = {}): Promise<string[]> {
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
    if (holdsEvents) {
      const name = relative(root, dir).split(sep).join('/') || '.';
      runs.push(name);
      options.onRun?.(name);
    }
    subdirs.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    // A few directories at once: a walk sharing its process with readers of the runs it finds (a dashboard)
    // would otherwise wait for the event loop once per directory.
    let next = 0;
    const worker = async () => {
      while (next < subdirs.length) await walk(subdirs[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(WALK_CONCURRENCY, subdirs.length) }, worker));
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

export interface RunReadOptions extends ReadOptions {
  /** Keep the summaries a restart (SessionLog START) orphaned, which TensorBoard drops (default false). */
  keepOrphans?: boolean;
}

/**
 * Reads all event files of one run directory (not its sub-directories), in file-name order, as TensorBoard
 * holds them: summaries orphaned by a restart are dropped (restarts.ts) unless `keepOrphans`.
 */
export async function readRunDirectory(runDir: string, options: RunReadOptions = {}): Promise<RunReadResult> {
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
  return { events: options.keepOrphans ? events : applyRestarts(events), damage, files };
}
