import { defaultCacheDir } from '../cache.js';
import { loadImageFolder, type FolderDataset } from './load.js';
import { cacheProgress } from './progress-bar.js';

/** The parts of a training configuration the folder data set reads (structural, so data/ needs nothing from above it). */
export interface FolderConfig {
  input: readonly number[];
  dataset: { dir?: string; resize?: number; onBadImage?: 'skip' | 'fail' };
}

/**
 * Loads `--dataset folder`: decoded to the model's channels and to `resize`
 * (default the input's larger side; the batches then resize to the exact input).
 */
export async function loadFolderForConfig(config: FolderConfig, cacheDir: string | undefined, log: (message: string) => void = () => {}): Promise<FolderDataset> {
  const root = config.dataset.dir;
  if (!root) throw new Error('dataset folder needs a folder (--data-dir) with one sub-folder per class');
  const channels = config.input[0];
  if (channels !== 1 && channels !== 3) throw new Error(`dataset folder decodes to 1 (gray) or 3 (RGB) channels; the model input has ${channels}`);
  const size = config.dataset.resize ?? Math.max(config.input[1]!, config.input[2]!);
  const budget = memoryBudgetFromEnv();
  return loadImageFolder({
    root, size, channels, cacheDir: cacheDir ?? defaultCacheDir(), log,
    ...(budget !== undefined && { memoryBudgetBytes: budget }),
    onBadImage: config.dataset.onBadImage ?? 'skip',
    onProgress: cacheProgress(`decoding ${root}`, log),
  });
}

/** CNNLAB_FOLDER_MEMORY_MB: the memory budget of a folder data set (0 streams every one from its cache). */
function memoryBudgetFromEnv(): number | undefined {
  const text = process.env.CNNLAB_FOLDER_MEMORY_MB;
  if (text === undefined || text === '') return undefined;
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb < 0) throw new Error(`CNNLAB_FOLDER_MEMORY_MB must be a number of MiB ≥ 0, got "${text}"`);
  return mb * 2 ** 20;
}
