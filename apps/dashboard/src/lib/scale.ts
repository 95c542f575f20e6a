/** Scales and ticks for the SVG charts. */

export interface Scale {
  (value: number): number;
  domain: [number, number];
  ticks: number[];
  log: boolean;
}

/** A "nice" step near span/count: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / power;
  return (f > 5 ? 10 : f > 2 ? 5 : f > 1 ? 2 : 1) * power;
}

/** Evenly spaced round ticks covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, count);
  const start = Math.ceil(lo / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Powers of ten in [lo, hi] (with 2 and 5 between them when there are few). */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const ticks: number[] = [];
  const mantissas = b - a <= 2 ? [1, 2, 5] : [1];
  for (let e = a; e <= b; e++) {
    for (const m of mantissas) {
      const v = Number((m * Math.pow(10, e)).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  // Less than a decade with no round value inside: round values on a linear grid still read well.
  return ticks.length >= 2 ? ticks : linearTicks(lo, hi, 4);
}

/** Extends [lo, hi] to round tick values (linear), or a little (log); a zero-width domain is widened. */
export function niceDomain(lo: number, hi: number, log = false): [number, number] {
  if (log) {
    if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
    if (!(hi > lo)) {
      // A constant series: half a decade either side.
      hi = lo * Math.sqrt(10);
      lo = lo / Math.sqrt(10);
    }
    return [Math.pow(10, Math.floor(Math.log10(lo) * 10) / 10), Math.pow(10, Math.ceil(Math.log10(hi) * 10) / 10)];
  }
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const step = niceStep(hi - lo, 5);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

/** Maps [d0, d1] onto [r0, r1], linearly or logarithmically. */
export function scale(domain: [number, number], range: [number, number], o: { log?: boolean; ticks?: number } = {}): Scale {
  const log = o.log ?? false;
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const t = log ? Math.log10 : (v: number) => v;
  const t0 = t(d0);
  const span = t(d1) - t0 || 1;
  const f = ((v: number) => r0 + ((t(v) - t0) / span) * (r1 - r0)) as Scale;
  f.domain = domain;
  f.log = log;
  f.ticks = log ? logTicks(d0, d1) : linearTicks(d0, d1, o.ticks ?? 5);
  return f;
}

/** A tick label: short, without float noise (0.30000000000000004 → "0.3"), SI suffix for large numbers. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(4)));
}
