import { InvalidArgumentError } from 'commander';

export function int(name: string, { min = 1 } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

export function num(name: string, { min = -Infinity, exclusiveMin = false } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (exclusiveMin && n === min)) {
      throw new InvalidArgumentError(`${name} must be a number ${exclusiveMin ? '>' : '≥'} ${min}, got "${value}"`);
    }
    return n;
  };
}

/** "1,96,96" or "1x96x96" → [1, 96, 96]. */
export function shape(value: string): [number, number, number] {
  const parts = value.split(/[,x]/).map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isInteger(p) || p <= 0)) {
    throw new InvalidArgumentError(`expected channels,height,width (e.g. 1,96,96), got "${value}"`);
  }
  return parts as [number, number, number];
}

/** "70/20/10" or "0.7,0.2,0.1" → fractions. */
export function split(value: string): { train: number; val: number; test: number } {
  const parts = value.split(/[,/]/).map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new InvalidArgumentError(`expected train/val/test like 70/20/10 or 0.7,0.2,0.1, got "${value}"`);
  }
  const scale = parts.reduce((a, b) => a + b, 0) > 1.5 ? 100 : 1;
  const [train, val, test] = parts.map((p) => p / scale) as [number, number, number];
  return { train, val, test };
}

/** Repeatable key=value options for an architecture: numbers, booleans and strings. */
export function keyValue(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  const key = value.slice(0, at);
  const raw = value.slice(at + 1);
  let parsed: unknown = raw;
  if (raw === 'true' || raw === 'false') parsed = raw === 'true';
  else if (raw !== '' && Number.isFinite(Number(raw))) parsed = Number(raw);
  else if (raw.startsWith('[') || raw.startsWith('{')) {
    try { parsed = JSON.parse(raw); } catch { throw new InvalidArgumentError(`option ${key}: "${raw}" is not valid JSON`); }
  }
  return { ...previous, [key]: parsed };
}

/** "4,4,4,4" → [4, 4, 4, 4]: positive integers. */
export function intList(name: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim());
    if (!parts.length || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
      throw new InvalidArgumentError(`${name} must be positive integers separated by commas (e.g. 4,4,4,4), got "${value}"`);
    }
    return parts.map(Number);
  };
}
