import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

/** The extensions read as images (others in a class folder are reported and ignored). */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.jpg', '.jpeg', '.png', '.webp', '.gif']);

/** The sub-folders that, when present under the root, are the data set's own splits. */
export const SPLIT_FOLDERS = ['train', 'val', 'test'] as const;
export type SplitFolder = (typeof SPLIT_FOLDERS)[number];

export interface ScannedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the data set root (what the cache key and reports use). */
  relPath: string;
  label: number;
  split: SplitFolder | undefined;
  size: number;
  mtimeMs: number;
}

export interface FolderProblem {
  path: string;
  reason: string;
}

export interface FolderScan {
  root: string;
  /** Sorted as torchvision's ImageFolder sorts them (code-point order of the folder names). */
  classes: string[];
  /** In class order, then file-name order; within a split layout, train then val then test. */
  files: ScannedFile[];
  /** 'splits' when the root holds train/ (and optionally val/, test/), else 'flat'. */
  layout: 'flat' | 'splits';
  /** Files that are not images by extension, and class folders without any image. */
  problems: FolderProblem[];
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function listDir(dir: string): { name: string; isDir: boolean }[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .map((entry) => ({ name: entry.name, isDir: entry.isDirectory() }))
    .sort((a, b) => byCodePoint(a.name, b.name));
}

function classFolders(dir: string): string[] {
  return listDir(dir).filter((e) => e.isDir).map((e) => e.name);
}

/** Every file under `dir`, recursively, in sorted order (as ImageFolder walks a class folder). */
function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of listDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDir) out.push(...walkFiles(path));
    else out.push(path);
  }
  return out;
}

/**
 * Lists an ImageFolder-layout data set: `root/<class>/<image>` or
 * `root/{train,val,test}/<class>/<image>`. Throws with the folder named when
 * the root is missing or has fewer than two classes.
 */
export function scanImageFolder(root: string): FolderScan {
  let rootStat;
  try {
    rootStat = statSync(root);
  } catch {
    throw new Error(`folder data set: ${root} does not exist`);
  }
  if (!rootStat.isDirectory()) throw new Error(`folder data set: ${root} is not a folder`);
  const layout = classFolders(root).includes('train') ? 'splits' : 'flat';
  const splitDirs: { dir: string; split: SplitFolder | undefined }[] =
    layout === 'flat' ? [{ dir: root, split: undefined }] : SPLIT_FOLDERS.map((split) => ({ dir: join(root, split), split })).filter(({ dir }) => {
      try { return statSync(dir).isDirectory(); } catch { return false; }
    });
  const classes = classFolders(splitDirs[0]!.dir);
  if (classes.length < 2) {
    throw new Error(`folder data set: ${splitDirs[0]!.dir} has ${classes.length} class folder(s)${classes.length ? ` (${classes.join(', ')})` : ''}; a classifier needs at least 2 (one sub-folder per class)`);
  }
  const files: ScannedFile[] = [];
  const problems: FolderProblem[] = [];
  for (const { dir, split } of splitDirs) {
    const here = classFolders(dir);
    const extra = here.filter((name) => !classes.includes(name));
    if (extra.length) throw new Error(`folder data set: ${dir} has class folder(s) ${extra.join(', ')} that ${splitDirs[0]!.dir} lacks`);
    classes.forEach((name, label) => {
      const classDir = join(dir, name);
      const paths = here.includes(name) ? walkFiles(classDir) : [];
      let images = 0;
      for (const path of paths) {
        if (!IMAGE_EXTENSIONS.includes(extname(path).toLowerCase())) {
          problems.push({ path, reason: `not an image file (extension not one of ${IMAGE_EXTENSIONS.join(' ')})` });
          continue;
        }
        const stat = statSync(path);
        files.push({ path, relPath: relative(root, path), label, split, size: stat.size, mtimeMs: stat.mtimeMs });
        images++;
      }
      if (images === 0) problems.push({ path: classDir, reason: `class "${name}" has no image files` });
    });
  }
  return { root, classes, files, layout, problems };
}
