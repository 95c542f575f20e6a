import type { RunState } from './run-state.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every scalar of a run, one row per point: tag,step,wall_time,value (wall time in seconds since the epoch, as TensorBoard exports it). */
export function scalarsCsv(run: RunState): string {
  const lines = ['tag,step,wall_time,value'];
  for (const tag of [...run.series.keys()].sort()) {
    for (const p of run.series.get(tag)!) lines.push([csvField(tag), p.step, p.wallTime, Number.isFinite(p.value) ? p.value : String(p.value)].join(','));
  }
  return lines.join('\n') + '\n';
}

export function scalarsJson(run: RunState): { run: string; exportedAt: string; scalars: Record<string, { step: number; wallTime: number; value: number | null }[]> } {
  const scalars: Record<string, { step: number; wallTime: number; value: number | null }[]> = {};
  for (const tag of [...run.series.keys()].sort()) {
    scalars[tag] = run.series.get(tag)!.map((p) => ({ step: p.step, wallTime: p.wallTime, value: Number.isFinite(p.value) ? p.value : null }));
  }
  return { run: run.name, exportedAt: new Date().toISOString(), scalars };
}

/** A file name for downloads: the run's path with '/' as '_' and only safe characters. */
export function downloadName(run: string, ext: string): string {
  const base = (run === '.' ? 'logdir' : run).replace(/[\\/]+/g, '_').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'run';
  return `${base}-scalars.${ext}`;
}
