import type { JitterStrength } from './color-jitter.js';

/** One per-image op of a plan, applied in the order given. */
export type ImageOp =
  | { op: 'crop'; padding: number }
  | { op: 'rrc'; minScale: number }
  | { op: 'flip'; p: number }
  | { op: 'jitter'; strength: JitterStrength }
  | { op: 'erase'; p: number };

/** What `--augment` asks for: per-image ops (in order), then mixup/cutmix on the batch. */
export interface AugmentPlan {
  image: ImageOp[];
  mixup: number;
  cutmix: number;
}

export class AugmentSpecError extends Error {
  override name = 'AugmentSpecError';
}

/** Named plans; a preset may appear among other tokens (`standard,mixup`). */
export const AUGMENT_PRESETS: Readonly<Record<string, string>> = Object.freeze({
  standard: 'crop:4,flip:0.5',
  strong: 'crop:4,flip:0.5,jitter:0.4/0.4/0.4,erase:0.25',
});

export const AUGMENT_OPS = ['crop[:padding=4]', 'rrc[:minScale=0.08]', 'flip[:p=0.5]', 'jitter[:s=0.4 | :b/c/s]', 'erase[:p=0.5]', 'mixup[:alpha=1]', 'cutmix[:alpha=1]'] as const;

const OFF = new Set(['off', 'none', '']);

/**
 * Parses an augmentation spec: comma-separated `op[:arg]` tokens or presets,
 * e.g. `crop:4,flip`, `standard,cutmix:1`, `off`. Errors name the bad token.
 */
export function parseAugment(spec: string): AugmentPlan {
  if (typeof spec !== 'string') throw new AugmentSpecError(`augment spec must be a string such as "crop:4,flip", got ${JSON.stringify(spec)}`);
  const plan: AugmentPlan = { image: [], mixup: 0, cutmix: 0 };
  const text = spec.trim();
  if (OFF.has(text)) return plan;
  const seen = new Set<string>();
  const tokens = text.split(',').map((t) => t.trim());
  for (const token of tokens.flatMap((t) => (AUGMENT_PRESETS[t] ? AUGMENT_PRESETS[t]!.split(',') : [t]))) {
    const fail = (why: string): never => {
      throw new AugmentSpecError(`augment "${spec}": token "${token}"${why.startsWith(':') ? '' : ' '}${why} (ops: ${AUGMENT_OPS.join(', ')}; presets: ${Object.keys(AUGMENT_PRESETS).join(', ')}, off)`);
    };
    if (!token) fail('is empty');
    const [name, arg, extra] = token.split(':') as [string, string | undefined, string | undefined];
    if (extra !== undefined) fail('has more than one ":"');
    if (seen.has(name)) fail(`repeats "${name}"`);
    seen.add(name);
    const number = (fallback: number, check: (x: number) => boolean, what: string): number => {
      if (arg === undefined) return fallback;
      const x = Number(arg);
      if (arg.trim() === '' || !Number.isFinite(x) || !check(x)) fail(`: ${what}, got "${arg}"`);
      return x;
    };
    const probability = () => number(0.5, (x) => x >= 0 && x <= 1, 'the probability must be in [0, 1]');
    switch (name) {
      case 'crop': plan.image.push({ op: 'crop', padding: number(4, (x) => Number.isInteger(x) && x >= 1, 'the padding must be a positive integer') }); break;
      case 'rrc': plan.image.push({ op: 'rrc', minScale: number(0.08, (x) => x > 0 && x <= 1, 'the smallest scale must be in (0, 1]') }); break;
      case 'flip': plan.image.push({ op: 'flip', p: probability() }); break;
      case 'erase': plan.image.push({ op: 'erase', p: probability() }); break;
      case 'jitter': plan.image.push({ op: 'jitter', strength: jitterStrength(arg, fail) }); break;
      case 'mixup': plan.mixup = number(1, (x) => x > 0, 'alpha must be a positive number'); break;
      case 'cutmix': plan.cutmix = number(1, (x) => x > 0, 'alpha must be a positive number'); break;
      default: fail(OFF.has(name) ? `"${name}" cannot be combined with other ops` : 'is not an augmentation op or preset');
    }
  }
  return plan;
}

function jitterStrength(arg: string | undefined, fail: (why: string) => never): JitterStrength {
  const parts = arg === undefined ? ['0.4'] : arg.split('/');
  if (parts.length !== 1 && parts.length !== 3) fail(': give one strength or brightness/contrast/saturation');
  const values = parts.map((p) => {
    const x = Number(p);
    if (p.trim() === '' || !Number.isFinite(x) || x < 0) fail(`: strengths must be non-negative numbers, got "${arg}"`);
    return x;
  });
  const [brightness, contrast, saturation] = values.length === 1 ? [values[0]!, values[0]!, values[0]!] : values as [number, number, number];
  return { brightness, contrast, saturation };
}

/** The plan as its canonical spec (every argument explicit; `off` when empty): what configs and hparams record. */
export function formatAugment(plan: AugmentPlan): string {
  const tokens = plan.image.map((o) => {
    switch (o.op) {
      case 'crop': return `crop:${o.padding}`;
      case 'rrc': return `rrc:${o.minScale}`;
      case 'flip': return `flip:${o.p}`;
      case 'erase': return `erase:${o.p}`;
      case 'jitter': return `jitter:${o.strength.brightness}/${o.strength.contrast}/${o.strength.saturation}`;
    }
  });
  if (plan.mixup) tokens.push(`mixup:${plan.mixup}`);
  if (plan.cutmix) tokens.push(`cutmix:${plan.cutmix}`);
  return tokens.length ? tokens.join(',') : 'off';
}

/** A spec in canonical form (throws AugmentSpecError on a bad token). */
export const canonicalAugment = (spec: string): string => formatAugment(parseAugment(spec));

export const isAugmenting = (plan: AugmentPlan): boolean => plan.image.length > 0 || plan.mixup > 0 || plan.cutmix > 0;
