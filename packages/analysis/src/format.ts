/** Human-readable numbers for tables and verdicts. */

export interface FormatOptions {
  /** Digits after the decimal point; default 2. */
  digits?: number;
}

function scaled(n: number, base: number, units: readonly string[], digits: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit += 1;
  }
  // Rounding can carry into the next unit (999.996 K → 1000.00 K): step up instead.
  if (unit < units.length - 1 && Number(value.toFixed(digits)) >= base) {
    value /= base;
    unit += 1;
  }
  const text = unit === 0 && Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return `${sign}${text}${units[unit]}`;
}

/** A count with a K/M/B/T suffix (powers of 1000): `formatCount(11_181_642)` → "11.18 M". */
export function formatCount(n: number, o: FormatOptions = {}): string {
  return scaled(n, 1000, ['', ' K', ' M', ' B', ' T'], o.digits ?? 2);
}

/** Multiply-adds with an SI prefix: `formatMacs(1_814_073_344)` → "1.81 GMACs". */
export function formatMacs(macs: number, o: FormatOptions = {}): string {
  return scaled(macs, 1000, [' MACs', ' KMACs', ' MMACs', ' GMACs', ' TMACs'], o.digits ?? 2);
}

/**
 * Bytes in binary units (KiB = 1024 B, MiB, GiB, TiB) by default, or decimal
 * units (kB = 1000 B, MB, GB, TB) with `si: true`:
 * `formatBytes(171_999_232)` → "164.03 MiB", `formatBytes(411_058_176, { si: true })` → "411.06 MB".
 */
export function formatBytes(bytes: number, o: FormatOptions & { si?: boolean } = {}): string {
  return o.si
    ? scaled(bytes, 1000, [' B', ' kB', ' MB', ' GB', ' TB'], o.digits ?? 2)
    : scaled(bytes, 1024, [' B', ' KiB', ' MiB', ' GiB', ' TiB'], o.digits ?? 2);
}

/** A fraction as a percentage: `formatPercent(0.1834)` → "18%". */
export function formatPercent(fraction: number, o: FormatOptions = {}): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  return `${(fraction * 100).toFixed(o.digits ?? 0)}%`;
}
