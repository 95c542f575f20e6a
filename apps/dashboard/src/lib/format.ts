/** Number formats for tables and charts: the counts, multiply-adds and bytes of @cnnlab/analysis (one unit convention: MiB), plus the dashboard's own. */
import { formatPercent as percent } from '@cnnlab/analysis/formulas';

export { formatBytes, formatCount, formatMacs } from '@cnnlab/analysis/formulas';

/** 0.1834 → "18.3%"; '–' when missing. */
export const formatPercent = (f: number, digits = 1) => (Number.isFinite(f) ? percent(f, { digits }) : '–');
/** 120422400 → "120,422,400". */
export const thousands = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

/** A metric value: accuracies and losses with 4 digits, '–' when missing. */
export function formatMetric(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** Seconds as "1h 02m", "3m 20s", "12.5s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s < 60) return `${sign}${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${sign}${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** An ISO time or seconds since the epoch as "2025-01-02 03:04" (local time). */
export function formatTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined) return '–';
  const date = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(date.getTime())) return '–';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}`;
}

/** "3 min ago" for a wall time in seconds. */
export function formatAgo(seconds: number | null, now = Date.now() / 1000): string {
  if (seconds === null) return '–';
  const d = Math.max(0, now - seconds);
  if (d < 60) return `${Math.round(d)} s ago`;
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${Math.round(d / 3600)} h ago`;
  return `${Math.round(d / 86400)} d ago`;
}
