import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { editDistance, resolveConfig } from '@cnnlab/core';
import { resolveTrainConfig, type TrainOptions } from '@cnnlab/trainer';

/** A value a parameter may take: anything JSON can hold (numbers, strings, booleans, lists such as an input shape). */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/**
 * How one parameter varies:
 * - `{values: [...]}` or `{choice: [...]}`: a list (grid: every value; random: one uniformly);
 * - `{min, max, log?, integer?}`: a range (random: uniform, or log-uniform with `log: true`);
 *   a grid needs `steps` (evenly spaced points, geometric with `log`).
 */
export type ParameterSpec =
  | { values: ParamValue[] }
  | { choice: ParamValue[] }
  | { min: number; max: number; log?: boolean; integer?: boolean; steps?: number };

export type SweepMethod = 'grid' | 'random';
export type SweepMetric = 'valLoss' | 'valAcc';

/** Median stopping rule: after `warmup` epochs, stop a trial whose best metric so far is worse than the median of the completed trials at that epoch. */
export interface MedianRule {
  rule: 'median';
  /** Epochs before any decision (default 1). */
  warmup: number;
  /** Completed trials needed before the rule stops anything (default 2). */
  minTrials: number;
}

/** Successive halving: train all for `minEpochs`, keep the best 1/eta, continue them to minEpochs·eta, … up to maxEpochs. */
export interface SuccessiveHalving {
  rule: 'halving';
  /** Reduction factor η ≥ 2 (default 3). */
  eta: number;
  /** Epochs of the first rung r (default 1). */
  minEpochs: number;
  /** Epochs of the last rung (default: base.epochs, or the architecture's default epochs). */
  maxEpochs: number;
}

export type PruningSpec = MedianRule | SuccessiveHalving;

/** A sweep as a user writes it (JSON or YAML); `validateSweepSpec` fills the defaults. */
export interface SweepSpecInput {
  name?: string;
  description?: string;
  method: SweepMethod;
  /** Number of trials (random only). */
  trials?: number;
  /** Seed of the random sampling (not of training: set base.seed or sweep `seed` as a parameter). Default 0. */
  seed?: number;
  /** Training options every trial starts from. */
  base: TrainOptions;
  /** Dotted paths into TrainOptions: "lr", "optimizer.name", "archOptions.normPosition", … */
  parameters: Record<string, ParameterSpec>;
  /** What selects the best trial (validation only): lowest best validation loss (default) or highest best validation accuracy. */
  metric?: SweepMetric;
  /** Stop bad trials early: `{rule: 'median', warmup, minTrials}` or `{rule: 'halving', eta, minEpochs, maxEpochs}`. */
  pruning?: Partial<MedianRule> & { rule: 'median' } | Partial<SuccessiveHalving> & { rule: 'halving' } | null;
  /** Evaluate the chosen trial once on the test split when the sweep is complete (default true). */
  test?: boolean;
}

/** A checked sweep with every default filled in (what sweep.json stores). */
export interface SweepSpec {
  name: string;
  description?: string;
  method: SweepMethod;
  trials?: number;
  seed: number;
  base: TrainOptions;
  parameters: Record<string, ParameterSpec>;
  metric: SweepMetric;
  pruning: PruningSpec | null;
  test: boolean;
}

export class SweepSpecError extends Error {
  override name = 'SweepSpecError';
}

/** Paths a parameter may set (besides `archOptions.<option>`), one per TrainOptions field. */
export const PARAMETER_PATHS: readonly string[] = Object.freeze([
  'arch', 'input', 'epochs', 'batchSize', 'microBatch', 'lr', 'seed', 'evalBatchSize', 'logEveryBatches', 'labelSmoothing', 'clipGrad.mode', 'clipGrad.max', 'augment', 'ema',
  'optimizer.name', 'optimizer.momentum', 'optimizer.nesterov', 'optimizer.weightDecay', 'optimizer.beta1', 'optimizer.beta2', 'optimizer.epsilon',
  'schedule.name', 'schedule.stepSize', 'schedule.gamma', 'schedule.minLr', 'schedule.warmupEpochs', 'schedule.warmupStart', 'schedule.patience', 'schedule.threshold',
  'earlyStopping.enabled', 'earlyStopping.patience', 'earlyStopping.minDelta', 'earlyStopping.restoreBest',
  'checkpoint.every', 'checkpoint.keep',
  'dataset.name', 'dataset.dir', 'dataset.limit',
  'split.train', 'split.val', 'split.test',
]);

const SPEC_KEYS = ['name', 'description', 'method', 'trials', 'seed', 'base', 'parameters', 'metric', 'pruning', 'test'];
const MAX_TRIALS = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegativeInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPositiveInteger = (v: unknown): v is number => isNonNegativeInteger(v) && v > 0;

function unknownKeys(where: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new SweepSpecError(`${where}: unknown field "${key}" (fields: ${known.join(', ')})`);
  }
}

export function isKnownPath(path: string): boolean {
  return PARAMETER_PATHS.includes(path) || /^archOptions\.[A-Za-z_$][\w$]*$/.test(path);
}

/** Base options as plain objects, so that dotted paths can set optimizer/schedule fields one by one. */
export function normalizeBase(base: TrainOptions): TrainOptions {
  const copy = structuredClone(base) as TrainOptions;
  if (typeof copy.optimizer === 'string') copy.optimizer = { name: copy.optimizer };
  if (typeof copy.schedule === 'string') copy.schedule = { name: copy.schedule };
  return copy;
}

/** A copy of `options` with `path` ("optimizer.momentum") set to `value`. */
export function withParameter(options: TrainOptions, path: string, value: ParamValue): TrainOptions {
  const copy = structuredClone(options) as unknown as Record<string, unknown>;
  const parts = path.split('.');
  let at = copy;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(at[part])) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts.at(-1)!] = structuredClone(value);
  return copy as unknown as TrainOptions;
}

/** The training options of one trial: the base with the trial's parameters set. */
export function trialOptions(spec: Pick<SweepSpec, 'base'>, params: Record<string, ParamValue>): TrainOptions {
  let options = normalizeBase(spec.base);
  for (const [path, value] of Object.entries(params)) options = withParameter(options, path, value);
  return options;
}

/** Throws a SweepSpecError naming the problem unless `options` resolve to a valid training configuration. */
export function checkTrainOptions(options: TrainOptions, where: string): void {
  try {
    const config = resolveTrainConfig(options);
    resolveConfig(config.arch, { input: config.input, options: config.archOptions });
  } catch (error) {
    throw new SweepSpecError(`${where}: ${(error as Error).message}`);
  }
}

function closestPath(path: string): string | null {
  const lower = path.toLowerCase();
  const ranked = PARAMETER_PATHS.map((p) => ({ p, d: editDistance(lower, p.toLowerCase()) })).sort((a, b) => a.d - b.d);
  return ranked[0] && ranked[0].d <= Math.max(2, Math.floor(path.length / 4)) ? ranked[0].p : null;
}

function checkParameter(path: string, p: unknown, method: SweepMethod): ParameterSpec {
  const at = `parameters["${path}"]`;
  if (!isKnownPath(path)) {
    const close = closestPath(path);
    const hint = path === 'optimizer' || path === 'schedule' ? ` (use "${path}.name")` : close ? ` (did you mean "${close}"?)` : '';
    throw new SweepSpecError(`${at}: unknown parameter path "${path}"${hint}. Known: ${PARAMETER_PATHS.join(', ')}, archOptions.<option>`);
  }
  if (!isObject(p)) throw new SweepSpecError(`${at} must be an object: {values: [...]}, {choice: [...]} or {min, max, log?}`);
  const kinds = ['values', 'choice', 'min'].filter((k) => k in p);
  if (kinds.length === 0 && 'max' in p) throw new SweepSpecError(`${at}: a range needs both min and max`);
  if (kinds.length !== 1) {
    throw new SweepSpecError(`${at} must have exactly one of values, choice or min/max, got ${Object.keys(p).join(', ') || 'nothing'}`);
  }
  if ('values' in p || 'choice' in p) {
    const key = 'values' in p ? 'values' : 'choice';
    unknownKeys(at, p, [key]);
    const list = p[key];
    if (!Array.isArray(list)) throw new SweepSpecError(`${at}.${key} must be a list`);
    if (list.length === 0) throw new SweepSpecError(`${at}.${key} is empty: give at least one value`);
    return { [key]: structuredClone(list) } as ParameterSpec;
  }
  unknownKeys(at, p, ['min', 'max', 'log', 'integer', 'steps']);
  const { min, max, log, integer, steps } = p as { min: unknown; max: unknown; log?: unknown; integer?: unknown; steps?: unknown };
  if (typeof min !== 'number' || !Number.isFinite(min)) throw new SweepSpecError(`${at}.min must be a finite number, got ${JSON.stringify(min)}`);
  if (typeof max !== 'number' || !Number.isFinite(max)) throw new SweepSpecError(`${at}.max must be a finite number, got ${JSON.stringify(max)}`);
  if (min > max) throw new SweepSpecError(`${at}: min ${min} is greater than max ${max}`);
  if (log !== undefined && typeof log !== 'boolean') throw new SweepSpecError(`${at}.log must be true or false`);
  if (integer !== undefined && typeof integer !== 'boolean') throw new SweepSpecError(`${at}.integer must be true or false`);
  if (log && min <= 0) throw new SweepSpecError(`${at}: a log range needs min > 0, got ${min}`);
  if (integer && (!Number.isInteger(min) || !Number.isInteger(max))) throw new SweepSpecError(`${at}: an integer range needs integer min and max`);
  if (steps !== undefined && !isPositiveInteger(steps)) throw new SweepSpecError(`${at}.steps must be a positive integer, got ${JSON.stringify(steps)}`);
  if (method === 'grid' && steps === undefined) {
    throw new SweepSpecError(`${at}: a grid needs a finite list; give values, or steps (evenly spaced points from min to max)`);
  }
  if (method === 'random' && steps !== undefined) throw new SweepSpecError(`${at}.steps applies to grids only; random sampling draws from the range`);
  return { min, max, ...(log ? { log: true } : {}), ...(integer ? { integer: true } : {}), ...(steps !== undefined ? { steps } : {}) };
}

function checkPruning(p: unknown, base: TrainOptions, parameters: Record<string, ParameterSpec>): PruningSpec | null {
  if (p === undefined || p === null) return null;
  if (!isObject(p)) throw new SweepSpecError('pruning must be an object: {rule: "median", warmup, minTrials} or {rule: "halving", eta, minEpochs, maxEpochs}');
  if (p.rule === 'median') {
    unknownKeys('pruning', p, ['rule', 'warmup', 'minTrials']);
    const warmup = p.warmup ?? 1, minTrials = p.minTrials ?? 2;
    if (!isNonNegativeInteger(warmup)) throw new SweepSpecError(`pruning.warmup must be a non-negative integer (epochs), got ${JSON.stringify(warmup)}`);
    if (!isPositiveInteger(minTrials)) throw new SweepSpecError(`pruning.minTrials must be a positive integer, got ${JSON.stringify(minTrials)}`);
    return { rule: 'median', warmup, minTrials };
  }
  if (p.rule === 'halving') {
    unknownKeys('pruning', p, ['rule', 'eta', 'minEpochs', 'maxEpochs']);
    if ('epochs' in parameters) throw new SweepSpecError('parameters["epochs"]: with successive halving the rungs set the epochs (pruning.minEpochs … pruning.maxEpochs)');
    let defaultEpochs = 10;
    try {
      defaultEpochs = resolveTrainConfig(normalizeBase(base)).epochs;
    } catch {
      // base is checked (with a clear message) with the trials.
    }
    const eta = p.eta ?? 3, minEpochs = p.minEpochs ?? 1, maxEpochs = p.maxEpochs ?? base.epochs ?? defaultEpochs;
    if (!isPositiveInteger(eta) || eta < 2) throw new SweepSpecError(`pruning.eta must be an integer ≥ 2, got ${JSON.stringify(eta)}`);
    if (!isPositiveInteger(minEpochs)) throw new SweepSpecError(`pruning.minEpochs must be a positive integer, got ${JSON.stringify(minEpochs)}`);
    if (!isPositiveInteger(maxEpochs)) throw new SweepSpecError(`pruning.maxEpochs must be a positive integer, got ${JSON.stringify(maxEpochs)}`);
    if (minEpochs > maxEpochs) throw new SweepSpecError(`pruning.minEpochs ${minEpochs} is greater than pruning.maxEpochs ${maxEpochs}`);
    return { rule: 'halving', eta, minEpochs, maxEpochs };
  }
  throw new SweepSpecError(`pruning.rule must be "median" or "halving", got ${JSON.stringify(p.rule)}`);
}

/**
 * Checks a sweep (every field, and each listed parameter value applied to the base
 * on its own) and fills in its defaults. The combinations are checked by `planTrials`.
 */
export function validateSweepSpec(input: unknown, o: { defaultName?: string } = {}): SweepSpec {
  if (!isObject(input)) throw new SweepSpecError('A sweep spec must be an object with method, base and parameters');
  unknownKeys('spec', input, SPEC_KEYS);
  const { method } = input;
  if (method !== 'grid' && method !== 'random') throw new SweepSpecError(`method must be "grid" or "random", got ${JSON.stringify(method)}`);
  if (input.name !== undefined && (typeof input.name !== 'string' || !/^[\w.-]+$/.test(input.name))) {
    throw new SweepSpecError(`name must be letters, digits, '.', '-' or '_', got ${JSON.stringify(input.name)}`);
  }
  if (input.description !== undefined && typeof input.description !== 'string') throw new SweepSpecError('description must be a string');
  const seed = input.seed ?? 0;
  if (!isNonNegativeInteger(seed)) throw new SweepSpecError(`seed must be a non-negative integer, got ${JSON.stringify(seed)}`);
  if (method === 'random') {
    if (!isPositiveInteger(input.trials)) throw new SweepSpecError(`trials must be a positive integer for a random sweep, got ${JSON.stringify(input.trials)}`);
    if (input.trials > MAX_TRIALS) throw new SweepSpecError(`trials ${input.trials} is more than ${MAX_TRIALS}`);
  } else if (input.trials !== undefined) {
    throw new SweepSpecError('trials applies to method "random" only: a grid runs every combination of its values');
  }
  if (!isObject(input.base)) throw new SweepSpecError('base must be an object of training options with at least {arch}');
  if (typeof input.base.arch !== 'string' || !input.base.arch) throw new SweepSpecError('base.arch must name an architecture (e.g. "bn-lenet")');
  const base = input.base as unknown as TrainOptions;
  if (!isObject(input.parameters)) throw new SweepSpecError('parameters must be an object of dotted paths, e.g. {"lr": {"values": [0.1, 0.3]}}');
  const entries = Object.entries(input.parameters);
  if (entries.length === 0) throw new SweepSpecError('parameters is empty: name at least one parameter to vary');
  const parameters: Record<string, ParameterSpec> = {};
  for (const [path, p] of entries) parameters[path] = checkParameter(path, p, method);
  const metric = input.metric ?? 'valLoss';
  if (metric !== 'valLoss' && metric !== 'valAcc') throw new SweepSpecError(`metric must be "valLoss" or "valAcc" (validation metrics only), got ${JSON.stringify(metric)}`);
  const test = input.test ?? true;
  if (typeof test !== 'boolean') throw new SweepSpecError('test must be true or false');
  const pruning = checkPruning(input.pruning, base, parameters);
  checkTrainOptions(normalizeBase(base), 'base');
  // Each listed value on its own, so that an error names its parameter. A value that is only
  // valid together with another parameter's value (nesterov with a momentum) is left to the trials.
  const passes = (options: TrainOptions) => {
    try {
      checkTrainOptions(options, '');
      return true;
    } catch {
      return false;
    }
  };
  const candidates = (p: ParameterSpec): ParamValue[] => ('min' in p ? [p.min, p.max] : 'values' in p ? p.values : p.choice);
  for (const [path, p] of Object.entries(parameters)) {
    if ('min' in p) continue;
    const key = 'values' in p ? 'values' : 'choice';
    candidates(p).forEach((value, i) => {
      const options = withParameter(normalizeBase(base), path, value);
      if (passes(options)) return;
      const rescued = Object.entries(parameters).some(([other, q]) => other !== path && candidates(q).some((w) => passes(withParameter(options, other, w))));
      if (!rescued) checkTrainOptions(options, `parameters["${path}"].${key}[${i}] = ${JSON.stringify(value)}`);
    });
  }
  const name = (input.name as string | undefined) ?? o.defaultName ?? 'sweep';
  return {
    name,
    ...(input.description !== undefined ? { description: input.description as string } : {}),
    method,
    ...(method === 'random' ? { trials: input.trials as number } : {}),
    seed,
    base: structuredClone(base),
    parameters,
    metric,
    pruning,
    test,
  };
}

/** Reads a sweep spec from a .json, .yaml or .yml file; the file name (without extension) is its default name. */
export function loadSweepSpec(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SweepSpecError(`Cannot read sweep spec ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  let data: unknown;
  try {
    data = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SweepSpecError(`${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  try {
    return validateSweepSpec(data, { defaultName: basename(path, extname(path)).replace(/[^\w.-]/g, '_') });
  } catch (error) {
    if (error instanceof SweepSpecError) throw new SweepSpecError(`${path}: ${error.message}`);
    throw error;
  }
}

/** JSON with object keys sorted, so that equal specs compare equal as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}

/** The first path at which two JSON values differ ("" when equal). */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (canonicalJson(a) === canonicalJson(b)) return null;
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (d !== null) return d;
    }
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
  }
  return path || '(root)';
}
