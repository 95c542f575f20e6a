/**
 * Names and seeds for the layers of one model build. Layer names follow the
 * block structure ("stage2.block1.conv2") so that summaries can group by block
 * and checkpoints restore by name; seeds make initialisation reproducible.
 */
class BuildContext {
  private readonly prefixes: string[] = [];
  private readonly counters = new Map<string, number>();
  private seedCounter = 0;

  constructor(readonly seed: number) {}

  nextSeed(): number {
    // Spread consecutive layers' seeds apart (Knuth's multiplicative hash).
    return (Math.imul(this.seed + ++this.seedCounter, 2654435761) >>> 0) % 2147483647;
  }

  layerName(kind: string): string {
    const prefix = this.prefixes.join('.');
    const key = `${prefix}|${kind}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return prefix ? `${prefix}.${kind}${n}` : `${kind}${n}`;
  }

  scoped<T>(name: string, body: () => T): T {
    this.prefixes.push(name);
    try {
      return body();
    } finally {
      this.prefixes.pop();
    }
  }
}

let active: BuildContext | null = null;
let fallback = new BuildContext(0);

/** Runs a model build with fresh layer names and seeds derived from `seed`. */
export function withBuildContext<T>(seed: number, body: () => T): T {
  const previous = active;
  active = new BuildContext(seed);
  try {
    return body();
  } finally {
    active = previous;
  }
}

function context(): BuildContext {
  return active ?? fallback;
}

/** Prefixes the names of every layer created inside `body`, e.g. `scope('stage1', …)`. */
export function scope<T>(name: string, body: () => T): T {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`Invalid block name "${name}": use letters, digits and _`);
  return context().scoped(name, body);
}

export function nextLayerName(kind: string): string {
  return context().layerName(kind);
}

export function nextSeed(): number {
  return context().nextSeed();
}

/** For tests: forget the names handed out outside any build. */
export function resetDefaultBuildContext(): void {
  fallback = new BuildContext(0);
}
