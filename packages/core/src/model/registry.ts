import * as tf from '@tensorflow/tfjs';
import { imageInput, type Node } from './blocks.js';
import { withBuildContext } from './build-context.js';

/** Input as channels x height x width (PyTorch's order; tensors are NHWC). */
export type InputShape = readonly [channels: number, height: number, width: number];

/** How the book trains a model on Fashion-MNIST (d2l's `resize`, `lr`, `batch_size`, `num_epochs`). */
export interface TrainingDefaults {
  lr: number;
  batchSize: number;
  epochs: number;
  optimizer?: 'sgd' | 'adam' | 'adamw';
}

export interface ArchitectureDefaults<O extends object> {
  input: InputShape;
  classes: number;
  options: O;
  training?: TrainingDefaults;
}

/** Counts the reference implementation publishes for the default input and classes. */
export interface ReferenceCounts {
  params?: number;
  macs?: number;
  source: string;
}

/** Which paper/book/library configuration a named model reproduces. */
export type ArchitectureSource = 'd2l' | 'torchvision' | 'cnnlab';

export interface ArchitectureSpec<O extends object = Record<string, unknown>> {
  /** Registry name, lower case: "resnet18", "vgg11-d2l". */
  name: string;
  family: string;
  description: string;
  source: ArchitectureSource;
  defaults: ArchitectureDefaults<O>;
  reference?: ReferenceCounts;
  /** Builds the body from the input node; returns the logits node (no softmax). */
  build(input: Node, config: { classes: number; options: O; inputShape: InputShape }): Node;
}

export interface CreateModelOptions<O extends object = Record<string, unknown>> {
  input?: InputShape;
  classes?: number;
  options?: Partial<O>;
  /** Seed for every initialiser and dropout layer; default 0. */
  seed?: number;
}

type AnySpec = ArchitectureSpec<any>;

const registry = new Map<string, AnySpec>();
const aliases = new Map<string, string>();

function assertValidName(name: string): void {
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw new Error(`Invalid architecture name "${name}": use lower-case letters, digits, '-', '_' and '.'`);
}

/** Registers a named model (the family packages call this on import, like timm's @register_model). */
export function registerArchitecture<O extends object>(spec: ArchitectureSpec<O>): void {
  assertValidName(spec.name);
  const existing = registry.get(spec.name);
  if (existing && existing.family !== spec.family) {
    throw new Error(`Architecture "${spec.name}" is already registered by family "${existing.family}"`);
  }
  registry.set(spec.name, spec as AnySpec);
}

/** Another name for a registered model, e.g. the course's "densenet" for "densenet-d2l". */
export function registerAlias(alias: string, target: string): void {
  assertValidName(alias);
  if (registry.has(alias)) throw new Error(`Cannot alias "${alias}": it is a registered architecture`);
  aliases.set(alias, target);
}

/** The registered aliases as [alias, target] pairs, sorted by alias. */
export function listAliases(): [alias: string, target: string][] {
  return [...aliases.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export interface ArchitectureFilter {
  family?: string;
  source?: ArchitectureSource;
  /** Substring of name or description, case-insensitive. */
  search?: string;
}

export function listArchitectures(filter: ArchitectureFilter = {}): AnySpec[] {
  const search = filter.search?.toLowerCase();
  return [...registry.values()]
    .filter((s) => !filter.family || s.family === filter.family)
    .filter((s) => !filter.source || s.source === filter.source)
    .filter((s) => !search || s.name.includes(search) || s.description.toLowerCase().includes(search))
    .sort((a, b) => a.family.localeCompare(b.family) || a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Registered names closest to `name` (typos, prefixes), best first. */
export function closeMatches(name: string, limit = 5): string[] {
  const wanted = name.toLowerCase();
  return [...registry.keys(), ...aliases.keys()]
    .map((n) => ({ n, d: n.startsWith(wanted) || wanted.startsWith(n) ? 0 : editDistance(wanted, n) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, limit)
    .map(({ n }) => n);
}

export function getArchitecture(name: string): AnySpec {
  const key = name.toLowerCase();
  const spec = registry.get(aliases.get(key) ?? key);
  if (spec) return spec;
  const close = closeMatches(name);
  const hint = close.length ? ` Did you mean: ${close.join(', ')}?` : '';
  const known = registry.size ? ` Registered: ${[...registry.keys()].sort().join(', ')}.` : ' No architectures are registered: import an @cnnlab/arch-* package.';
  throw new Error(`Unknown architecture "${name}".${hint}${known}`);
}

export function hasArchitecture(name: string): boolean {
  const key = name.toLowerCase();
  return registry.has(aliases.get(key) ?? key);
}

function validateInput(shape: readonly number[], name: string): InputShape {
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`Invalid input shape [${shape.join(',')}] for "${name}": expected channels,height,width as three positive integers`);
  }
  return shape as unknown as InputShape;
}

function resolveOptions<O extends object>(spec: ArchitectureSpec<O>, overrides: Partial<O> | undefined): O {
  const defaults = spec.defaults.options as Record<string, unknown>;
  for (const key of Object.keys(overrides ?? {})) {
    if (!(key in defaults)) {
      const known = Object.keys(defaults);
      throw new Error(`Unknown option "${key}" for "${spec.name}". ${known.length ? `Options: ${known.join(', ')}` : 'It takes no options.'}`);
    }
  }
  return { ...spec.defaults.options, ...overrides } as O;
}

/** The input, classes and options a model would be built with (defaults plus overrides). */
export function resolveConfig<O extends object>(name: string, o: CreateModelOptions<O> = {}) {
  const spec = getArchitecture(name) as ArchitectureSpec<O>;
  const inputShape = validateInput(o.input ?? spec.defaults.input, spec.name);
  const classes = o.classes ?? spec.defaults.classes;
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`Invalid number of classes ${classes} for "${spec.name}": expected a positive integer`);
  return { spec, inputShape, classes, options: resolveOptions(spec, o.options) };
}

/** Builds a registered model with Xavier-initialised weights (seeded) and block-structured layer names. */
export function createModel<O extends object>(name: string, o: CreateModelOptions<O> = {}): tf.LayersModel {
  const { spec, inputShape, classes, options } = resolveConfig(name, o);
  return withBuildContext(o.seed ?? 0, () => {
    const input = imageInput(inputShape);
    const output = spec.build(input, { classes, options, inputShape });
    return tf.model({ inputs: input, outputs: output, name: spec.name });
  });
}
