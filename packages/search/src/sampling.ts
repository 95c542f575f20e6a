import { mulberry32, type Rng } from '@cnnlab/arch-regnet';
import { checkTrainOptions, trialOptions, SweepSpecError, type ParameterSpec, type ParamValue, type SweepSpec } from './spec.js';

/** One planned trial: its index, run-directory name and parameter values. */
export interface PlannedTrial {
  index: number;
  name: string;
  params: Record<string, ParamValue>;
}

/** Round to 6 significant digits: sampled values read well and survive JSON exactly. */
const tidy = (x: number) => Number(x.toPrecision(6));

/** The finite list of values a parameter takes in a grid. */
export function gridValues(p: ParameterSpec): ParamValue[] {
  if ('values' in p) return p.values;
  if ('choice' in p) return p.choice;
  const steps = p.steps ?? 1;
  if (steps === 1) return [p.min];
  const values = Array.from({ length: steps }, (_, i) => {
    const t = i / (steps - 1);
    const v = p.log ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min))) : p.min + t * (p.max - p.min);
    return p.integer ? Math.round(v) : tidy(v);
  });
  return [...new Set(values)];
}

/** One draw of a parameter: uniform over a list, uniform or log-uniform over a range. */
export function sampleValue(rng: Rng, p: ParameterSpec): ParamValue {
  if ('values' in p || 'choice' in p) {
    const list = 'values' in p ? p.values : p.choice;
    return structuredClone(list[Math.floor(rng() * list.length)]!);
  }
  const u = rng();
  if (p.integer) {
    if (p.log) return Math.min(p.max, Math.floor(Math.exp(Math.log(p.min) + u * (Math.log(p.max + 1) - Math.log(p.min)))));
    return p.min + Math.floor(u * (p.max - p.min + 1));
  }
  return tidy(p.log ? Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min))) : p.min + u * (p.max - p.min));
}

export const trialName = (index: number, total: number) => `trial-${String(index).padStart(Math.max(3, String(total - 1).length), '0')}`;

export function describeParams(params: Record<string, ParamValue>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
}

/**
 * The trials of a sweep, derived only from the spec: a grid in row-major order
 * (the first parameter varies slowest, like itertools.product), or `trials`
 * seeded draws (parameters drawn in the spec's order). Every trial's full
 * training configuration is checked here, before anything is trained.
 */
export function planTrials(spec: SweepSpec): PlannedTrial[] {
  const paths = Object.keys(spec.parameters);
  const combos: Record<string, ParamValue>[] = [];
  if (spec.method === 'grid') {
    const lists = paths.map((p) => gridValues(spec.parameters[p]!));
    const total = lists.reduce((n, l) => n * l.length, 1);
    if (total > 10_000) throw new SweepSpecError(`The grid has ${total} combinations (more than 10000): use fewer values or method "random"`);
    const recurse = (i: number, acc: Record<string, ParamValue>) => {
      if (i === paths.length) return void combos.push(structuredClone(acc));
      for (const v of lists[i]!) recurse(i + 1, { ...acc, [paths[i]!]: v });
    };
    recurse(0, {});
  } else {
    const rng = mulberry32(spec.seed);
    for (let t = 0; t < spec.trials!; t++) {
      combos.push(Object.fromEntries(paths.map((p) => [p, sampleValue(rng, spec.parameters[p]!)])));
    }
  }
  const trials = combos.map((params, index) => ({ index, name: trialName(index, combos.length), params }));
  for (const t of trials) checkTrainOptions(trialOptions(spec, t.params), `${t.name} (${describeParams(t.params)})`);
  return trials;
}
