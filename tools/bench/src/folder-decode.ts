/**
 * Decode throughput of the folder data set: a generated folder of mixed-size
 * JPEGs is decoded and resized into the CNNLABFC cache (images/s, first run
 * and the cache reused), then read back from the cache: whole, and in shuffled
 * batches as a streamed data set reads it.
 *
 *   npm run bench:folder-decode -w @cnnlab/bench                       # 20,000 JPEGs, side 64
 *   npm run bench:folder-decode -w @cnnlab/bench -- --images 2000 --size 96 --dir /tmp/kit
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openFolderCache, permutation } from '@cnnlab/trainer';
import { writeFolderKit } from './folder-kit.js';

const { values } = parseArgs({ options: { images: { type: 'string' }, size: { type: 'string' }, dir: { type: 'string' }, batch: { type: 'string' } } });
const images = Number(values.images ?? 20000);
const size = Number(values.size ?? 64);
const batch = Number(values.batch ?? 256);
const work = mkdtempSync(join(tmpdir(), 'cnnlab-folder-bench-'));
const root = values.dir ?? join(work, 'photos');

const seconds = (from: number) => (performance.now() - from) / 1000;
const rows: [string, number, number][] = [];

try {
  if (!existsSync(root) || readdirSync(root).length === 0) {
    const t = performance.now();
    await writeFolderKit(root, { images, classes: 10, corrupt: 0, formats: ['jpeg'] });
    console.log(`generated ${images} mixed-size JPEGs (48–247 × 48–197 px) in ${seconds(t).toFixed(1)} s`);
  }
  const cacheDir = join(work, 'cache');
  let t = performance.now();
  const built = await openFolderCache({ root, size, channels: 3, cacheDir });
  const buildS = seconds(t);
  const count = built.reader.header.count;
  built.reader.close();
  rows.push([`decode + resize to ${size}×${size}×3, build the cache`, count, buildS]);
  t = performance.now();
  const warm = await openFolderCache({ root, size, channels: 3, cacheDir });
  rows.push(['open the cache again (scan + key check, no decode)', count, seconds(t)]);
  t = performance.now();
  warm.reader.readAll();
  rows.push(['read the whole cache into memory', count, seconds(t)]);
  const order = permutation(count, 1);
  const into = new Uint8Array(batch * warm.reader.imageBytes);
  t = performance.now();
  for (let at = 0; at < count; at += batch) warm.reader.readImages(order.subarray(at, Math.min(count, at + batch)), into);
  rows.push([`streamed: shuffled batches of ${batch} from the file`, count, seconds(t)]);
  warm.reader.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nfolder decode benchmark: ${images} JPEGs, side ${size}, libuv threads ${process.env.UV_THREADPOOL_SIZE ?? 4}, ${availableParallelism()} cores\n`);
console.log('| step | images | seconds | images/s |\n|---|---:|---:|---:|');
for (const [step, n, s] of rows) console.log(`| ${step} | ${n} | ${s.toFixed(2)} | ${Math.round(n / s).toLocaleString('en-US')} |`);
console.log(`\ncached batch reads vs decoding: ${(rows[3]![2] > 0 ? (rows[0]![2] / rows[3]![2]) : Infinity).toFixed(0)}× faster`);
