import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as formulas from '@cnnlab/analysis/formulas';
import * as analysis from '../src/index.js';

const SRC = join(import.meta.dirname, '..', 'src');

/** Every module `file` imports, transitively: relative ones are followed, the others returned. */
function externalImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const [, spec] of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    if (!spec) continue;
    if (spec.startsWith('.')) out.push(...externalImports(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen));
    else out.push(spec);
  }
  return out;
}

describe('@cnnlab/analysis/formulas', () => {
  it('imports nothing outside its own package (no @cnnlab/core, no TensorFlow.js)', () => {
    expect(externalImports(join(SRC, 'formulas.ts'))).toEqual([]);
    // The walk does see imports: the main entry point's include core.
    expect(externalImports(join(SRC, 'index.ts'))).toContain('@cnnlab/core');
  });

  it('is the same functions the main entry point exports', () => {
    for (const [name, value] of Object.entries(formulas)) expect((analysis as Record<string, unknown>)[name]).toBe(value);
    expect(formulas.formatBytes(171_999_232)).toBe('164.03 MiB');
  });
});

describe('bottleneckBlockCost', () => {
  const resnet = { h: 56, w: 56, cin: 256, cout: 256, width: 64 };

  it('sums the 1x1 reduce, the 3x3 and the 1x1 expand of a ResNet-50 bottleneck', () => {
    const block = formulas.bottleneckBlockCost(resnet);
    expect(block.layers.map((l) => l.label)).toEqual(['1x1 256→64', '3x3 64→64', '1x1 64→256']);
    expect(block.macs).toBe(56 * 56 * (256 * 64 + 9 * 64 * 64 + 64 * 256));
    expect(block.macs).toBe(218_365_952);
    expect(block.params).toBe(256 * 64 + 9 * 64 * 64 + 64 * 256);
  });

  it('divides only the 3x3 convolution by the groups (ResNeXt-50 32x4d costs about what ResNet-50 does)', () => {
    const block = formulas.bottleneckBlockCost({ ...resnet, width: 128, groups: 32 });
    expect(block.layers[1]).toMatchObject({ label: '3x3 128→128, 32 groups', macs: (56 * 56 * 9 * 128 * 128) / 32 });
    expect(block.macs).toBe(219_971_584);
  });

  it('adds a projection shortcut when the channels change', () => {
    const block = formulas.bottleneckBlockCost({ h: 28, w: 28, cin: 256, cout: 512, width: 128 });
    expect(block.layers.at(-1)).toMatchObject({ name: 'shortcut', macs: 28 * 28 * 256 * 512 });
  });

  it('gives the cost for every group count the width divides into', () => {
    const curve = formulas.blockCostByGroups({ ...resnet, width: 12 });
    expect(curve.map((p) => p.groups)).toEqual([1, 2, 3, 4, 6, 12]);
    const fixed = 56 * 56 * 2 * 256 * 12;
    for (const p of curve) expect(p.macs).toBe(fixed + (56 * 56 * 9 * 12 * 12) / p.groups);
    expect(() => formulas.bottleneckBlockCost({ ...resnet, groups: 5 })).toThrow(/cannot both be split into 5 groups/);
  });
});
