import type { RunSummary } from '../../server/types.js';

/** A sweep or a design-space search as the list endpoints give it. */
interface StudyItem {
  name: string;
  error?: string | null;
}

export interface StudyLoaderOptions<S extends StudyItem, D> {
  runs: () => RunSummary[];
  list: () => Promise<{ items: S[]; warnings: string[] }>;
  detail: (name: string, signal: AbortSignal) => Promise<D>;
  selected: () => string | null;
  select: (name: string | null) => void;
}

/**
 * The list and the selected detail of sweeps or searches, reloaded whenever a
 * run appears or changes (the run list is polled every 2 s: a running study
 * moves on). Until one is picked, the newest readable one is shown. Call it
 * while a component initialises (it sets up effects).
 */
export function loadStudies<S extends StudyItem, D>(o: StudyLoaderOptions<S, D>) {
  let list = $state.raw<S[] | null>(null);
  let warnings = $state.raw<string[]>([]);
  let detail = $state.raw<D | null>(null);
  let error = $state<string | null>(null);
  const signature = $derived(o.runs().map((r) => `${r.name}@${r.cursor}:${r.status}`).join('|'));

  $effect(() => {
    void signature;
    o.list().then(
      (res) => {
        list = res.items;
        warnings = res.warnings;
        error = null;
      },
      (e: Error) => (error = e.message),
    );
  });

  $effect(() => {
    const current = o.selected();
    if (list && (current === null || !list.some((s) => s.name === current))) o.select(list.find((s) => !s.error)?.name ?? null);
  });

  $effect(() => {
    void signature;
    const name = o.selected();
    if (!name) return void (detail = null);
    const controller = new AbortController();
    o.detail(name, controller.signal).then(
      (d) => (detail = d),
      (e: Error) => {
        if (e.name !== 'AbortError') error = e.message;
      },
    );
    return () => controller.abort();
  });

  return {
    get list() { return list; },
    get warnings() { return warnings; },
    get detail() { return detail; },
    get error() { return error; },
  };
}
