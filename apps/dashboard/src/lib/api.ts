import type {
  ArchitecturesResponse, ComplexityResponse, DiagnosisResponse, HParamsResponse, RunsResponse, ScalarsResponse, SearchesResponse, SearchResponse,
  SummaryResponse, SweepResponse, SweepsResponse,
} from '../../server/types.js';
import type { CostsResponse } from '../../server/cost-types.js';

/** A run (sweep, search) name as one URL path segment ('/' and '.' escaped too, so "." and "a/b" survive URL normalisation). */
export function runSegment(run: string): string {
  return encodeURIComponent(run).replace(/\./g, '%2E');
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}

export const api = {
  runs: (signal?: AbortSignal) => get<RunsResponse>('/api/runs', signal),
  scalars: (run: string, since?: string, signal?: AbortSignal) =>
    get<ScalarsResponse>(`/api/runs/${runSegment(run)}/scalars${since ? `?since=${encodeURIComponent(since)}` : ''}`, signal),
  diagnosis: (run: string, signal?: AbortSignal, whatIfPatience?: number) =>
    get<DiagnosisResponse>(`/api/runs/${runSegment(run)}/diagnosis${whatIfPatience === undefined ? '' : `?patience=${whatIfPatience}`}`, signal),
  hparams: (signal?: AbortSignal) => get<HParamsResponse>('/api/hparams', signal),
  architectures: (signal?: AbortSignal) => get<ArchitecturesResponse>('/api/architectures', signal),
  summary: (name: string, depth: number | null, signal?: AbortSignal) =>
    get<SummaryResponse>(`/api/architectures/${encodeURIComponent(name)}/summary${depth === null ? '' : `?depth=${depth}`}`, signal),
  complexity: (all: boolean, signal?: AbortSignal, inputSize: number | null = null) =>
    get<ComplexityResponse>(`/api/complexity?${new URLSearchParams({ ...(all ? { all: '1' } : {}), ...(inputSize ? { input: String(inputSize) } : {}) })}`, signal),
  costs: (signal?: AbortSignal) => get<CostsResponse>('/api/costs', signal),
  sweeps: (signal?: AbortSignal) => get<SweepsResponse>('/api/sweeps', signal),
  sweep: (name: string, signal?: AbortSignal) => get<SweepResponse>(`/api/sweeps/${runSegment(name)}`, signal),
  searches: (signal?: AbortSignal) => get<SearchesResponse>('/api/searches', signal),
  search: (name: string, signal?: AbortSignal) => get<SearchResponse>(`/api/searches/${runSegment(name)}`, signal),
  exportUrl: (run: string, format: 'csv' | 'json') => `/api/runs/${runSegment(run)}/export.${format}`,
};
