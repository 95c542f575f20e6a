import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cnnlab/core/io';
import {
  applyRestarts, CUSTOM_SCALARS_LAYOUT_TAG, decodeEventRecord, encodeRecord, HParamsTag, isEventFileName, RecordScanner,
  type DecodedEvent, type HParamValue,
} from '@cnnlab/tfevents';

/** One decodable event of a run's files, with its record's bytes (to write it again unchanged). */
export interface StoredEvent {
  file: string;
  event: DecodedEvent;
  data: Uint8Array;
}

/** What a resumed run writes first into its new event file so that TensorBoard and cnnlab's readers hold every (tag, step) once. */
export interface ResumePlan {
  /** Step of the SessionLog START that makes TensorBoard drop the orphans (undefined: legacy files were pruned instead). */
  restartStep: number | undefined;
  /** Records the restart also drops but that belong to the resumed run (e.g. batch losses up to the checkpoint), written again after it. */
  replay: Uint8Array[];
  /** Whether the run's session must be written again (no session yet, or its hparams changed, or it had ended). */
  writeSession: boolean;
  /** Orphaned events the restart drops (or pruning removed). */
  orphans: number;
  /** Files removed: the old session header or session end, or files left empty by an interrupted start-up. */
  removedFiles: number;
}

const HEADER_TAGS: ReadonlySet<string> = new Set([HParamsTag.EXPERIMENT, HParamsTag.SESSION_START_INFO, CUSTOM_SCALARS_LAYOUT_TAG]);

function eventFiles(runDir: string): string[] {
  return readdirSync(runDir).filter(isEventFileName).sort().map((name) => join(runDir, name));
}

function fileEvents(file: string): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const item of new RecordScanner('skip').scan(readFileSync(file), 0)) {
    if (item.type !== 'record') continue;
    try {
      out.push({ file, event: decodeEventRecord(item.data, item.offset), data: item.data });
    } catch {
      // An undecodable record: TensorBoard skips it too.
    }
  }
  return out;
}

/** Every decodable event of a run (all files in name order) as TensorBoard holds them, after its restarts. */
export function runEvents(runDir: string, files = eventFiles(runDir)): StoredEvent[] {
  return applyRestarts(files.flatMap(fileEvents), (s) => s.event);
}

const tagsOf = (e: DecodedEvent) => e.summary?.values.map((v) => v.tag) ?? [];
const isSessionEnd = (e: DecodedEvent) => tagsOf(e).includes(HParamsTag.SESSION_END_INFO);
const isHeader = (e: DecodedEvent) => tagsOf(e).some((t) => HEADER_TAGS.has(t));

/** Logged after the checkpoint at (`epoch`, `globalStep`): epoch events past it, batch events past it, the summary texts and the session end (written again at the end). */
export function isOrphan(event: DecodedEvent, epoch: number, globalStep: number): boolean {
  const tags = tagsOf(event);
  if (tags.length === 0) return false;
  if (isSessionEnd(event) || tags.some((t) => t.startsWith('summary/'))) return true;
  if (isHeader(event)) return false;
  return tags.every((t) => t.startsWith('batch/')) ? event.step > globalStep : event.step > epoch;
}

/** The hparams of the run's session start, if it has one. */
function sessionHParams(events: readonly StoredEvent[]): Record<string, unknown> | undefined {
  for (const { event } of events) {
    for (const v of event.summary?.values ?? []) {
      if (v.kind === 'hparams' && v.data.sessionStartInfo) return v.data.sessionStartInfo.hparams;
    }
  }
  return undefined;
}

const sameHParams = (a: Record<string, unknown>, b: Readonly<Record<string, HParamValue>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

/**
 * Prepares a run's event files for a resume from the checkpoint at (`epoch`, `globalStep`) without
 * rewriting what was logged: the new file will start with a SessionLog START at the returned step — TensorBoard's
 * own restart mechanism, which an open TensorBoard applies live — followed by the replayed records.
 *
 * Only whole small files go: the session header (when the hparams changed, e.g. `--epochs` extended the run),
 * because TensorBoard keeps the first session start it reads for good, and the session-end file. Run files
 * from before cnnlab wrote restarts (no SessionLog START) are pruned in place instead, as they were then.
 */
export function planResume(runDir: string, epoch: number, globalStep: number, hparams: Readonly<Record<string, HParamValue>>): ResumePlan {
  const files = eventFiles(runDir);
  const all = runEvents(runDir, files);
  const hasRestarts = all.some((s) => s.event.sessionLog?.status === 'start');
  const recorded = sessionHParams(all);
  const sessionEnded = all.some((s) => isSessionEnd(s.event));
  const writeSession = recorded === undefined || sessionEnded || !sameHParams(recorded, hparams);
  if (!hasRestarts) return { ...pruneLegacy(files, epoch, globalStep, writeSession), writeSession };

  let removedFiles = 0;
  const summaries = (file: string) => all.filter((s) => s.file === file && s.event.summary);
  for (const file of files) {
    const held = summaries(file);
    const onlySessionRecords = held.length > 0 && held.every((s) => isSessionEnd(s.event) || (writeSession && isHeader(s.event)));
    if (held.length === 0 || onlySessionRecords) {
      rmSync(file, { force: true });
      removedFiles++;
    }
  }
  const orphans = all.filter((s) => isOrphan(s.event, epoch, globalStep));
  const orphanSteps = orphans.filter((s) => !isSessionEnd(s.event)).map((s) => s.event.step);
  const restartStep = Math.max(1, Math.min(epoch + 1, ...orphanSteps));
  const replay = all
    .filter((s) => s.event.summary && s.event.step >= restartStep && !isHeader(s.event) && !isOrphan(s.event, epoch, globalStep))
    .map((s) => s.data);
  return { restartStep, replay, writeSession, orphans: orphans.length, removedFiles };
}

/** Files from before restarts were written: orphans (and, when the session is written again, the old session) are cut out of the files. */
function pruneLegacy(files: string[], epoch: number, globalStep: number, dropSession: boolean): Omit<ResumePlan, 'writeSession'> {
  let orphans = 0, removedFiles = 0;
  for (const path of files) {
    const bytes = readFileSync(path);
    const kept: Uint8Array[] = [];
    let dropped = 0, holdsData = false;
    for (const { event, data } of fileEvents(path)) {
      if (isOrphan(event, epoch, globalStep) || (dropSession && isHeader(event))) {
        dropped++;
        continue;
      }
      kept.push(encodeRecord(data));
      holdsData ||= event.fileVersion === undefined;
    }
    orphans += dropped;
    if (!holdsData) {
      rmSync(path, { force: true });
      removedFiles++;
      continue;
    }
    const keptBytes = kept.reduce((n, r) => n + r.length, 0);
    if (dropped > 0 || keptBytes !== bytes.length) writeFileAtomic(path, Buffer.concat(kept));
  }
  return { restartStep: undefined, replay: [], orphans, removedFiles };
}
