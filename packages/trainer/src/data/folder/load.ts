import { mkdirSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { sha256 } from '../cache.js';
import type { Dataset } from '../dataset.js';
import { PART } from '../parts.js';
import { applyBadImagePolicy, type BadImagePolicy } from './bad-images.js';
import { FolderCacheReader, FolderCacheWriter, type FolderCacheMeta } from './cache-file.js';
import { decodeImageFile } from './decode.js';
import { scanImageFolder, type FolderScan, type SplitFolder } from './scan.js';

export interface FolderDatasetOptions {
  root: string;
  /** Image side after resize + centre crop (the model's input, or --resize). */
  size: number;
  channels: 1 | 3;
  /** Folder for the decoded cache. */
  cacheDir: string;
  onBadImage?: BadImagePolicy;
  log?: (message: string) => void;
  /** Called as images are decoded while the cache is built. */
  onProgress?: (done: number, total: number) => void;
  /** Images decoded at once (sharp works on libuv's thread pool). */
  concurrency?: number;
  /**
   * Largest image bytes held in memory; a bigger cache is streamed from its
   * file (each batch reads only its images). Default: defaultMemoryBudget().
   */
  memoryBudgetBytes?: number;
}

/** A quarter of the machine's memory, at most 2 GiB (what one typed array reliably holds). */
export function defaultMemoryBudget(): number {
  return Math.min(totalmem() / 4, 2 ** 31);
}

export interface FolderDataset extends Dataset {
  /** The split folder (train/val/test) of each image, when the root has that layout. */
  splitOf?: (SplitFolder | undefined)[];
  /** Bad files left out, by path. */
  bad: { path: string; reason: string }[];
  cacheFile: string;
  cacheBuilt: boolean;
}

/** The cache key: every listed file's path, size, mtime and label, the split layout, side and channels. */
export function folderSourceKey(scan: FolderScan, size: number, channels: number): Buffer {
  const files = scan.files.map((f) => [f.relPath, f.size, f.mtimeMs, f.label, f.split ?? '']);
  return sha256(JSON.stringify({ format: 1, size, channels, classes: scan.classes, files, problems: scan.problems }));
}

/** One cache file per (root, side, channels): a changed folder replaces its cache instead of adding one. */
export function folderCacheFile(cacheDir: string, root: string, size: number, channels: number): string {
  const id = sha256(resolve(root)).toString('hex').slice(0, 16);
  return join(cacheDir, `folder-${id}-${size}x${size}x${channels}.bin`);
}

async function buildCache(scan: FolderScan, file: string, key: Buffer, options: FolderDatasetOptions): Promise<void> {
  const { size, channels } = options;
  const writer = new FolderCacheWriter(file, size, channels, key);
  const meta: FolderCacheMeta = { classes: scan.classes, files: [], splits: [], bad: [...scan.problems] };
  const total = scan.files.length;
  const window = Math.max(1, options.concurrency ?? 8);
  try {
    for (let start = 0; start < total; start += window) {
      const chunk = scan.files.slice(start, start + window);
      const results = await Promise.allSettled(chunk.map((f) => decodeImageFile(f.path, { size, channels })));
      results.forEach((result, k) => {
        const f = chunk[k]!;
        if (result.status === 'fulfilled') {
          writer.append(result.value, f.label);
          meta.files.push(f.relPath);
          meta.splits.push(f.split ?? '');
        } else {
          const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
          meta.bad.push({ path: f.path, reason: `cannot be decoded (${reason.split('\n')[0]})` });
        }
      });
      options.onProgress?.(Math.min(start + window, total), total);
    }
    const counts = new Array<number>(scan.classes.length).fill(0);
    const badPaths = new Set(meta.bad.map((b) => b.path));
    for (const f of scan.files) if (!badPaths.has(f.path)) counts[f.label]!++;
    const emptyAlready = new Set(scan.problems.filter((p) => p.reason.includes('has no image files')).map((p) => p.reason));
    counts.forEach((n, label) => {
      const name = scan.classes[label]!;
      if (n === 0 && ![...emptyAlready].some((r) => r.includes(`"${name}"`))) {
        meta.bad.push({ path: join(scan.root, name), reason: `class "${name}" has no readable image` });
      }
    });
    writer.finish(meta);
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/**
 * Opens the cache of a folder data set, building it first when it is missing
 * or the folder changed. The reader streams images by position; close it when done.
 */
export async function openFolderCache(options: FolderDatasetOptions): Promise<{ reader: FolderCacheReader; scan: FolderScan; file: string; built: boolean }> {
  const log = options.log ?? (() => {});
  const scan = scanImageFolder(options.root);
  const key = folderSourceKey(scan, options.size, options.channels);
  const file = folderCacheFile(options.cacheDir, options.root, options.size, options.channels);
  const expect = { sourceKey: key, side: options.size, channels: options.channels };
  const first = FolderCacheReader.open(file, expect);
  if (first instanceof FolderCacheReader) return { reader: first, scan, file, built: false };
  log(first.rejected === 'missing'
    ? `folder data set ${options.root}: decoding ${scan.files.length} images into the cache ${file} (one time)`
    : `folder data set ${options.root}: cache ${file} is stale (${first.rejected}); rebuilding it`);
  mkdirSync(options.cacheDir, { recursive: true });
  await buildCache(scan, file, key, options);
  const reader = FolderCacheReader.open(file, expect);
  if (!(reader instanceof FolderCacheReader)) throw new Error(`folder data set: the cache ${file} just written cannot be read back (${reader.rejected})`);
  return { reader, scan, file, built: true };
}

/**
 * Loads a folder data set through its cache and applies the bad-image policy:
 * held in memory, or streamed from the cache file when larger than the budget.
 */
export async function loadImageFolder(options: FolderDatasetOptions): Promise<FolderDataset> {
  const log = options.log ?? (() => {});
  const { reader, scan, file, built } = await openFolderCache(options);
  let keepOpen = false;
  try {
    const { meta, header } = reader;
    applyBadImagePolicy(options.root, meta.bad, options.onBadImage ?? 'skip', log);
    const bytes = header.count * reader.imageBytes;
    const budget = options.memoryBudgetBytes ?? defaultMemoryBudget();
    keepOpen = bytes > budget;
    if (keepOpen) log(`folder data set ${options.root}: ${(bytes / 2 ** 20).toFixed(0)} MiB of images is over the memory budget of ${(budget / 2 ** 20).toFixed(0)} MiB; batches stream from ${file}`);
    const dataset: FolderDataset = {
      name: 'folder',
      images: keepOpen ? new Uint8Array(0) : reader.readAll(),
      labels: Uint8Array.from(reader.labels),
      count: header.count,
      height: header.side,
      width: header.side,
      channels: header.channels,
      classes: meta.classes,
      source: `folder ${resolve(options.root)} (${scan.layout === 'splits' ? 'train/val/test folders' : 'one folder per class'}), decoded by sharp to ${header.side}×${header.side}×${header.channels}, cache ${file}${keepOpen ? ' (streamed)' : ''}`,
      bad: meta.bad,
      cacheFile: file,
      cacheBuilt: built,
    };
    if (keepOpen) {
      dataset.reader = reader;
      closeWhenCollected.register(dataset, reader);
    }
    if (scan.layout === 'splits') {
      dataset.splitOf = meta.splits.map((s) => (s === '' ? undefined : (s as SplitFolder)));
      dataset.parts = Uint8Array.from(dataset.splitOf, (s) => (s === undefined ? PART.none : PART[s]));
    }
    if (meta.bad.length) dataset.note = `${meta.bad.length} bad file(s) left out`;
    return dataset;
  } finally {
    if (!keepOpen) reader.close();
  }
}

/** A streamed data set's cache file stays open while the data set is in use. */
const closeWhenCollected = new FinalizationRegistry<FolderCacheReader>((reader) => reader.close());
