import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so two equal configs give equal text whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Runs whose configs are equal but for the seed share this key (the Curves tab can draw their mean ± band);
 * null for a run without a config or a seed. Where the data lives (dataset.dir) does not count.
 */
export function seedGroupOf(config: Record<string, unknown> | null): string | null {
  if (!config || typeof config.seed !== 'number') return null;
  const { seed: _seed, ...rest } = config;
  const dataset = rest.dataset && typeof rest.dataset === 'object' ? { ...(rest.dataset as Record<string, unknown>) } : rest.dataset;
  if (dataset && typeof dataset === 'object') delete (dataset as Record<string, unknown>).dir;
  return createHash('sha1').update(canonical({ ...rest, dataset })).digest('hex').slice(0, 12);
}
