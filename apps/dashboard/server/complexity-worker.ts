/**
 * Builds models and measures them in a worker thread, so that building one (up to seconds for the ImageNet
 * VGGs) never blocks the dashboard's requests. Answers one message at a time: see ComplexityJob.
 */
import { parentPort } from 'node:worker_threads';
import { compareArchitectures } from '@cnnlab/analysis';
import { createModel, loadInstalledFamilies, summarize } from '@cnnlab/core';
import type { ComplexityJob, ComplexityReply } from './complexity-jobs.js';
import type { ComplexityRow, SummaryResponse } from './types.js';

const families = loadInstalledFamilies();

function summary(name: string, depth: number | null): SummaryResponse {
  const model = createModel(name);
  try {
    const s = summarize(model, depth === null ? {} : { depth });
    return { name: s.name, input: s.input, depth, rows: s.rows, totals: s.totals };
  } finally {
    model.dispose();
  }
}

parentPort!.on('message', async (job: ComplexityJob) => {
  let reply: ComplexityReply;
  try {
    await families;
    const value = job.kind === 'row'
      ? (compareArchitectures([job.name], job.inputSize === null ? {} : { inputSize: job.inputSize })[0] as ComplexityRow)
      : summary(job.name, job.depth);
    reply = { id: job.id, ok: true, value };
  } catch (error) {
    reply = { id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
