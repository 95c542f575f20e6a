import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Router } from 'express';
import { checkLrFindRecord, describeSuggestion, LR_FIND_FILE, LR_FIND_TAGS, type LrFindRecord } from '@cnnlab/trainer/records';
import type { LrFindResponse } from './lr-find-types.js';
import { HttpError } from './paths.js';
import type { RunState } from './run-state.js';
import type { RunSummary } from './types.js';

/** A directory `cnnlab lr-find` wrote: its curve's tag is in the event files, and no training report. */
export const isLrFindRun = (run: RunState): boolean => !run.cnnlabReport && run.series.has(LR_FIND_TAGS.loss);

/** lr-find.json of runs, parsed again only when the file changes. */
export class LrFindStore {
  private readonly files = new Map<string, { mtimeMs: number; size: number; record: LrFindRecord }>();

  /** The run's record; 404 without lr-find.json, 422 when it is not one. */
  async of(run: RunState): Promise<LrFindRecord> {
    const file = join(run.dir, LR_FIND_FILE);
    const where = `${run.name}/${LR_FIND_FILE}`;
    const info = await stat(file).catch(() => null);
    if (!info) throw new HttpError(404, `Run "${run.name}" is not an lr-find result: no ${LR_FIND_FILE}`);
    const cached = this.files.get(run.dir);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.record;
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new HttpError(422, `${where}: ${(error as Error).message}`);
    }
    let record: LrFindRecord;
    try {
      record = checkLrFindRecord(json, where);
    } catch (error) {
      throw new HttpError(422, (error as Error).message);
    }
    this.files.set(run.dir, { mtimeMs: info.mtimeMs, size: info.size, record });
    return record;
  }

  /** The Runs table's row of an lr-find result: no epochs or verdict, its suggested rate instead. */
  async summary(run: RunState, common: Omit<RunSummary, 'kind' | 'fit' | 'arch' | 'epochs' | 'epochsPlanned' | 'bestEpoch' | 'bestValAcc' | 'bestValLoss' | 'testAcc' | 'split' | 'params' | 'imagesPerSecond' | 'startedAt'>): Promise<RunSummary> {
    let record: LrFindRecord | null = null;
    let problem: string | null = null;
    try {
      record = await this.of(run);
    } catch (error) {
      problem = (error as Error).message;
    }
    return {
      ...common,
      kind: 'lr-find',
      // lr-find.json is written once the range test is over.
      status: record ? 'finished' : common.status,
      warnings: problem ? [...common.warnings, problem] : common.warnings,
      fit: null,
      arch: record?.arch ?? null,
      epochs: null, epochsPlanned: null, bestEpoch: null, bestValAcc: null, bestValLoss: null, testAcc: null, split: null, params: null, imagesPerSecond: null,
      startedAt: record?.createdAt ?? (run.firstWallTime === null ? null : new Date(run.firstWallTime * 1000).toISOString()),
      ...(record ? { lrFind: { suggestedLr: record.suggestedLr, minimumOver10Lr: record.suggestions.minimumOver10.lr, defaultLr: record.defaultLr } } : {}),
    };
  }
}

/** The records every dashboard in this process reads (a record is a few KiB, kept per run directory). */
export const lrFindRecords = new LrFindStore();

/** GET /api/runs/:run/lr-find: the range test's curve, suggestions and settings from lr-find.json. */
export function mountLrFindRoutes(api: Router, getRun: (name: string) => Promise<RunState>, store = lrFindRecords): void {
  api.get('/runs/:run/lr-find', async (req, res) => {
    const run = await getRun(req.params.run);
    const record = await store.of(run);
    res.json({ ...record, run: run.name, description: describeSuggestion(record) } satisfies LrFindResponse);
  });
}
