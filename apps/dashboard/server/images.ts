import { stat } from 'node:fs/promises';
import type { Router } from 'express';
import { listEventFiles, RestartRule, RunTail } from '@cnnlab/tfevents';
import type { ImageSummary, ImagesResponse } from './image-types.js';
import { HttpError } from './paths.js';
import { intParam } from './query.js';
import type { RunState } from './run-state.js';

interface StoredImage extends Omit<ImageSummary, 'bytes'> {
  encoded: Uint8Array[];
}

/** One run's images, read on from where the last request left off. */
interface RunImages {
  dir: string;
  tail: RunTail;
  restarts: RestartRule;
  /** Event files' sizes at the last read: a file that shrank or vanished (a resume pruned it) starts the run afresh. */
  sizes: Map<string, number>;
  byTagStep: Map<string, StoredImage>;
  /** Text summaries by tag and step: an image's `<tag>_labels`. */
  texts: Map<string, { step: number; text: string }>;
}

/** What the first bytes of an encoded image say it is (TensorBoard's image plugin sniffs them too). */
export function sniffImageType(bytes: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return 'application/octet-stream';
}

const IMAGE_MARKS = [
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), // PNG
  Buffer.from([0xff, 0xd8, 0xff]), // JPEG
  Buffer.from('GIF8'),
  Buffer.from('WEBP'),
  // The image plugin's name, in the metadata of a tag's first tensor-kind image summary.
  Buffer.from('images'),
];

/**
 * Whether an Event record may hold an image, from its bytes: a Summary (field 5) holding an image's signature or the
 * image plugin's name, or anything that is not a Summary (a restart record must be read). A run's scalar records,
 * nearly all of its events, are left undecoded.
 */
export function mayHoldImage(record: Uint8Array): boolean {
  let at = 0;
  while (at < record.length) {
    const key = record[at++]!;
    const field = key >> 3, wire = key & 7;
    if (field === 5) break;
    if (field !== 1 && field !== 2) return true;
    if (wire === 1) at += 8;
    else if (wire === 0) while (at < record.length && record[at++]! & 0x80);
    else return true;
  }
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  return IMAGE_MARKS.some((mark) => bytes.includes(mark));
}

/**
 * The image summaries of runs, read from their event files with @cnnlab/tfevents as TensorBoard shows them (a
 * resume's restart record drops the images it orphans; damage is in the run's own warnings). Each request reads only
 * what was appended since the last; the `capacity` runs asked for last are kept.
 */
export class ImageStore {
  private readonly runs = new Map<string, RunImages>();

  constructor(private readonly capacity = 32) {}

  async of(run: RunState): Promise<StoredImage[]> {
    const sizes = new Map<string, number>();
    for (const file of await listEventFiles(run.dir).catch(() => [] as string[])) {
      const info = await stat(file).catch(() => null);
      if (info) sizes.set(file, info.size);
    }
    let entry = this.runs.get(run.name);
    this.runs.delete(run.name);
    if (!entry || entry.dir !== run.dir || [...entry.sizes].some(([file, size]) => (sizes.get(file) ?? -1) < size)) {
      entry = { dir: run.dir, tail: new RunTail(run.dir, { decodeIf: mayHoldImage }), restarts: new RestartRule(), sizes, byTagStep: new Map(), texts: new Map() };
    }
    entry.sizes = sizes;
    this.runs.set(run.name, entry);
    while (this.runs.size > this.capacity) this.runs.delete(this.runs.keys().next().value!);
    const { events } = await entry.tail.poll();
    for (const event of events) {
      const restart = entry.restarts.restartStep(event);
      if (restart !== undefined) {
        for (const [key, image] of entry.byTagStep) if (image.step >= restart) entry.byTagStep.delete(key);
        for (const [key, text] of entry.texts) if (text.step >= restart) entry.texts.delete(key);
      }
      for (const value of event.summary?.values ?? []) {
        if (value.kind === 'text') entry.texts.set(`${value.tag}\n${event.step}`, { step: event.step, text: Array.isArray(value.text) ? value.text.join('\n') : value.text });
        if (value.kind !== 'image' || value.images.length === 0) continue;
        entry.byTagStep.set(`${value.tag}\n${event.step}`, {
          tag: value.tag, step: event.step, wallTime: event.wallTime, width: value.width, height: value.height,
          samples: value.images.length, contentType: sniffImageType(value.images[0]!), encoded: value.images,
        });
      }
    }
    const labelled = [...entry.byTagStep.values()].map((image) => {
      const labels = entry.texts.get(`${image.tag}_labels\n${image.step}`)?.text;
      return labels === undefined ? image : { ...image, labels };
    });
    return labelled.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : a.step - b.step));
  }
}

/** A step from the path: a non-negative integer, else a 400 naming it. */
function stepOf(raw: string): number {
  const step = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(step)) throw new HttpError(400, `step must be a non-negative integer, got "${raw}"`);
  return step;
}

const augmentOf = (config: Record<string, unknown> | null): string | null => {
  const spec = config?.augment;
  return typeof spec === 'string' && spec !== 'off' ? spec : null;
};

/**
 * GET /api/runs/:run/images: the run's image summaries (tag, step, size), and a cnnlab run's augmentation;
 * GET /api/runs/:run/images/:tag/:step?sample=<i>: one image's bytes (the tag percent-encoded as one segment).
 */
export function mountImageRoutes(api: Router, getRun: (name: string) => Promise<RunState>): void {
  const store = new ImageStore();

  api.get('/runs/:run/images', async (req, res) => {
    const run = await getRun(req.params.run);
    const images = await store.of(run);
    const body: ImagesResponse = {
      run: run.name,
      images: images.map(({ encoded, ...summary }) => ({ ...summary, bytes: encoded[0]!.length })),
      augment: augmentOf(run.configJson),
      warnings: run.warnings,
    };
    res.json(body);
  });

  api.get('/runs/:run/images/:tag/:step', async (req, res) => {
    const step = stepOf(req.params.step);
    const run = await getRun(req.params.run);
    const images = await store.of(run);
    const { tag } = req.params;
    const ofTag = images.filter((i) => i.tag === tag);
    if (ofTag.length === 0) throw new HttpError(404, `Run "${run.name}" has no image tag "${tag}"`);
    const image = ofTag.find((i) => i.step === step);
    if (!image) throw new HttpError(404, `Run "${run.name}" has no "${tag}" image at step ${step} (steps: ${ofTag.map((i) => i.step).join(', ')})`);
    const sample = intParam(req.query, 'sample', 0, image.samples - 1) ?? 0;
    res.type(image.contentType).send(Buffer.from(image.encoded[sample]!));
  });
}
