import type { ArchitectureSpec } from '@cnnlab/core';
import { ComplexityWorker } from './complexity-jobs.js';
import { HttpError } from './paths.js';
import type { ArchitectureInfo, ArchitecturesResponse, ComplexityResponse, ComplexityRow, SummaryResponse } from './types.js';

/** Models above this many parameters (by their reference counts) are left out of the comparison unless asked for. */
export const LARGE_MODEL_PARAMS = 100_000_000;

type Registry = typeof import('@cnnlab/core');

/**
 * The model registry with every installed architecture family, imported on first use: it loads TensorFlow.js and
 * the families, which a server that only lists and draws runs never needs (tens of MiB of memory at 10k runs).
 * A missing family is reported, a broken one warned about, neither is fatal.
 */
export async function loadFamilies(): Promise<{ registry: Registry; loaded: string[]; missing: string[] }> {
  const registry = await import('@cnnlab/core');
  const { loaded, missing, failed } = await registry.loadInstalledFamilies();
  for (const f of failed) process.emitWarning(`cnnlab dashboard: could not load ${f.name}: ${f.error}`);
  return { registry, loaded, missing: [...missing, ...failed.map((f) => f.name)] };
}

function infoOf(spec: ArchitectureSpec): ArchitectureInfo {
  return {
    name: spec.name,
    family: spec.family,
    description: spec.description,
    source: spec.source,
    input: [...spec.defaults.input],
    classes: spec.defaults.classes,
    referenceParams: spec.reference?.params ?? null,
  };
}

export async function architectures(): Promise<ArchitecturesResponse> {
  const { registry, missing } = await loadFamilies();
  return { architectures: registry.listArchitectures().map(infoOf), missing };
}

async function requireArchitecture(name: string): Promise<void> {
  const { registry } = await loadFamilies();
  if (!registry.hasArchitecture(name)) {
    const close = registry.closeMatches(name);
    throw new HttpError(404, `Unknown architecture "${name}".${close.length ? ` Did you mean: ${close.join(', ')}?` : ''}`);
  }
}

/**
 * compareArchitectures rows and summaries, computed in a worker thread (ComplexityWorker) so that no request
 * waits behind a model being built, and kept for the server's lifetime.
 */
export class ComplexityCache {
  private readonly rows = new Map<string, Promise<ComplexityRow>>();
  private readonly summaries = new Map<string, Promise<SummaryResponse>>();
  private readonly worker = new ComplexityWorker();

  private row(name: string, inputSize: number | null): Promise<ComplexityRow> {
    const key = `${name}@${inputSize ?? 'default'}`;
    let row = this.rows.get(key);
    if (!row) {
      row = this.worker.run({ kind: 'row', name, inputSize });
      row.catch(() => this.rows.delete(key));
      this.rows.set(key, row);
    }
    return row;
  }

  /**
   * Rows for `names`, or for every registered model (those above LARGE_MODEL_PARAMS only with `all`),
   * at each model's own input or at one common `inputSize` (height = width).
   */
  async compare(o: { all?: boolean; names?: string[]; inputSize?: number | null } = {}): Promise<ComplexityResponse> {
    const { registry } = await loadFamilies();
    const all = o.all ?? false;
    const inputSize = o.inputSize ?? null;
    const excluded: ComplexityResponse['excluded'] = [];
    let chosen: string[];
    if (o.names?.length) {
      for (const name of o.names) await requireArchitecture(name);
      chosen = o.names.map((n) => n.toLowerCase());
    } else {
      chosen = [];
      for (const spec of registry.listArchitectures()) {
        const params = spec.reference?.params;
        if (!all && params !== undefined && params > LARGE_MODEL_PARAMS) excluded.push({ name: spec.name, params });
        else chosen.push(spec.name);
      }
    }
    const started = Date.now();
    const cached = chosen.every((n) => this.rows.has(`${n}@${inputSize ?? 'default'}`));
    const settled = await Promise.allSettled(chosen.map((n) => this.row(n, inputSize)));
    const rows: ComplexityRow[] = [];
    const failed: ComplexityResponse['failed'] = [];
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') rows.push(r.value);
      else failed.push({ name: chosen[i]!, error: (r.reason as Error)?.message ?? String(r.reason) });
    });
    return { rows, excluded, failed, limit: LARGE_MODEL_PARAMS, all, inputSize, computedMs: cached ? 0 : Date.now() - started };
  }

  /** summarize(createModel(name), {depth}): per-layer rows (depth null = every layer) or per-block rows. */
  async summary(name: string, depth: number | null): Promise<SummaryResponse> {
    await requireArchitecture(name);
    const key = `${name.toLowerCase()}@${depth ?? 'all'}`;
    let summary = this.summaries.get(key);
    if (!summary) {
      summary = this.worker.run({ kind: 'summary', name: name.toLowerCase(), depth });
      summary.catch(() => this.summaries.delete(key));
      this.summaries.set(key, summary);
    }
    return summary;
  }

  /** Ends the worker thread. */
  close(): Promise<void> {
    return this.worker.close();
  }
}
