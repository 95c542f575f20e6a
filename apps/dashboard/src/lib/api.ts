import type {
  ArchitecturesResponse, ComplexityResponse, DiagnosisResponse, HParamsResponse, RunsResponse, ScalarsResponse, SearchesResponse, SearchResponse,
  SummaryResponse, SweepResponse, SweepsResponse,
} from '../../server/types.js';
import type { ConfusionExamplesResponse, ConfusionResponse } from '../../server/confusion-types.js';
import type { CostsResponse } from '../../server/cost-types.js';
import type { ImagesResponse } from '../../server/image-types.js';
import type { LrFindResponse } from '../../server/lr-find-types.js';

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

/** Downsampling of a scalars request: at most `points` per tag (the chart's width in pixels), only steps in [from, to] (a zoom), only `tags`. */
export interface Sampling {
  points?: number;
  tags?: string[];
  from?: number;
  to?: number;
}

/**
 * Points per tag the Curves charts ask for: about twice a wide chart's width in pixels, so min/max downsampling
 * keeps every pixel column's extremes while a 100k-point run sends ~2k points.
 */
export const CURVE_POINTS = 2048;

/** The query string of a scalars request ('' for everything at full resolution). */
export function scalarsQuery(since?: string, sampling: Sampling = {}): string {
  const q = new URLSearchParams();
  if (since) q.set('since', since);
  if (sampling.tags?.length) q.set('tags', sampling.tags.join(','));
  if (sampling.points !== undefined) q.set('points', String(Math.max(4, Math.round(sampling.points))));
  if (sampling.from !== undefined) q.set('from', String(sampling.from));
  if (sampling.to !== undefined) q.set('to', String(sampling.to));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export const api = {
  /** Every run, or one page of them (`loading` in the answer: the server's first scan is still reading runs). */
  runs: (signal?: AbortSignal, page?: { offset?: number; limit?: number; since?: string }) =>
    get<RunsResponse>(`/api/runs${page ? `?${new URLSearchParams(Object.entries(page).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))}` : ''}`, signal),
  scalars: (run: string, since?: string, signal?: AbortSignal, sampling?: Sampling) =>
    get<ScalarsResponse>(`/api/runs/${runSegment(run)}/scalars${scalarsQuery(since, sampling)}`, signal),
  diagnosis: (run: string, signal?: AbortSignal, whatIfPatience?: number) =>
    get<DiagnosisResponse>(`/api/runs/${runSegment(run)}/diagnosis${whatIfPatience === undefined ? '' : `?patience=${whatIfPatience}`}`, signal),
  images: (run: string, signal?: AbortSignal) => get<ImagesResponse>(`/api/runs/${runSegment(run)}/images`, signal),
  imageUrl: (run: string, tag: string, step: number) => `/api/runs/${runSegment(run)}/images/${runSegment(tag)}/${step}`,
  lrFind: (run: string, signal?: AbortSignal) => get<LrFindResponse>(`/api/runs/${runSegment(run)}/lr-find`, signal),
  hparams: (signal?: AbortSignal) => get<HParamsResponse>('/api/hparams', signal),
  confusion: (run: string, signal?: AbortSignal) => get<ConfusionResponse>(`/api/runs/${runSegment(run)}/confusion`, signal),
  confusionExamples: (run: string, truth: number, predicted: number, signal?: AbortSignal) =>
    get<ConfusionExamplesResponse>(`/api/runs/${runSegment(run)}/confusion/examples?true=${truth}&pred=${predicted}`, signal),
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

/**
 * Starts `request` with an abort signal and hands its answer to `onValue`, or its error's message to `onError`
 * (not when aborted). Returns the abort, for an `$effect` to return as its cleanup: a newer request replaces it.
 */
export function loadInto<T>(request: (signal: AbortSignal) => Promise<T>, onValue: (value: T) => void, onError: (message: string) => void): () => void {
  const controller = new AbortController();
  request(controller.signal).then(onValue, (e: Error) => void (controller.signal.aborted || onError(e.message)));
  return () => controller.abort();
}
