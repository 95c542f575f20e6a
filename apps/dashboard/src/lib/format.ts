/** Number formats for tables and charts (the same as @cnnlab/analysis's, without its tfjs dependency). */

function scaled(n: number, base: number, units: readonly string[], digits: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit += 1;
  }
  if (unit < units.length - 1 && Number(value.toFixed(digits)) >= base) {
    value /= base;
    unit += 1;
  }
  const text = unit === 0 && Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return `${sign}${text}${units[unit]}`;
}

/** 11181642 → "11.18 M". */
export const formatCount = (n: number, digits = 2) => scaled(n, 1000, ['', ' K', ' M', ' B', ' T'], digits);
/** 1814073344 → "1.81 GMACs". */
export const formatMacs = (n: number, digits = 2) => scaled(n, 1000, [' MACs', ' KMACs', ' MMACs', ' GMACs', ' TMACs'], digits);
/** 171999232 → "164.03 MiB". */
export const formatBytes = (n: number, digits = 2) => scaled(n, 1024, [' B', ' KiB', ' MiB', ' GiB', ' TiB'], digits);
/** Decimal units: 171999232 → "172.00 MB". */
export const formatBytesSI = (n: number, digits = 2) => scaled(n, 1000, [' B', ' kB', ' MB', ' GB', ' TB'], digits);
/** 0.1834 → "18.3%". */
export const formatPercent = (f: number, digits = 1) => (Number.isFinite(f) ? `${(f * 100).toFixed(digits)}%` : '–');
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
