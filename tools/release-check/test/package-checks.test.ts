import { describe, expect, it } from 'vitest';
import { checkManifest, checkTarballFiles, referencedFiles, satisfies } from '../src/package-checks.js';

const manifest = {
  name: '@cnnlab/fake',
  version: '0.1.0',
  description: 'fake',
  license: 'MIT',
  repository: { type: 'git', url: 'git+https://example.invalid/cnnlab.git' },
  type: 'module',
  engines: { node: '>=20.19' },
  publishConfig: { access: 'public' },
  exports: {
    '.': { '@cnnlab/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  bin: { fake: 'bin/fake.js' },
  files: ['dist', 'bin', 'README.md', 'LICENSE'],
  dependencies: { '@cnnlab/core': '^0.1.0', commander: '^14.0.0' },
};
const complete = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'bin/fake.js'];

describe('checkTarballFiles', () => {
  it('accepts a complete tarball and ignores the workspace-only source condition', () => {
    expect(referencedFiles(manifest).map((r) => r.path)).not.toContain('src/index.ts');
    expect(checkTarballFiles(manifest, complete)).toEqual([]);
  });

  it('names each missing file and the field pointing at it', () => {
    const messages = checkTarballFiles(manifest, ['package.json', 'dist/index.js']).map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining([
      '@cnnlab/fake: the tarball has no README.md',
      '@cnnlab/fake: the tarball has no LICENSE',
      '@cnnlab/fake: exports["."]["types"] points at dist/index.d.ts, which is not in the tarball',
      '@cnnlab/fake: bin.fake points at bin/fake.js, which is not in the tarball',
    ]));
  });

  it('rejects sources, tests and build state', () => {
    const messages = checkTarballFiles(manifest, [...complete, 'src/index.ts', 'dist/a.test.js', 'dist/.tsbuildinfo', 'test/a.test.ts']).map((p) => p.message);
    expect(messages).toHaveLength(4);
    expect(messages.join('\n')).toMatch(/src\/index\.ts.*sources/);
    expect(messages.join('\n')).toMatch(/\.tsbuildinfo/);
  });

  it('matches subpath patterns', () => {
    const m = { ...manifest, exports: { './*': { types: './dist/*.d.ts', import: './dist/*.js' } } };
    expect(checkTarballFiles(m, complete)).toEqual([]);
    expect(checkTarballFiles(m, complete.filter((f) => !f.endsWith('.d.ts'))).length).toBeGreaterThan(0);
  });
});

describe('checkManifest', () => {
  const siblings = new Map([['@cnnlab/core', '0.1.0']]);

  it('accepts a complete package.json', () => {
    expect(checkManifest(manifest, siblings)).toEqual([]);
  });

  it('rejects *, file: and ranges the sibling does not satisfy', () => {
    const messages = checkManifest({ ...manifest, dependencies: { '@cnnlab/core': '^0.2.0', a: '*', b: 'file:../b' } }, siblings).map((p) => p.message);
    expect(messages).toHaveLength(3);
  });

  it('rejects bin paths that npm publish would rewrite', () => {
    expect(checkManifest({ ...manifest, bin: { fake: './bin/fake.js' } }, siblings).map((p) => p.message).join()).toMatch(/without "\.\/"/);
  });

  it('requires publishConfig.access public for scoped packages', () => {
    const { publishConfig: _, ...rest } = manifest;
    expect(checkManifest(rest, siblings).map((p) => p.message).join()).toMatch(/publishConfig/);
  });
});

describe('satisfies', () => {
  it.each([
    ['0.1.3', '^0.1.0', true], ['0.2.0', '^0.1.0', false], ['1.4.0', '^1.2.0', true], ['2.0.0', '^1.2.0', false],
    ['0.0.4', '^0.0.3', false], ['1.2.9', '~1.2.0', true], ['1.3.0', '~1.2.0', false], ['0.1.0', '0.1.0', true],
    ['0.2.0-rc.1', '^0.1.0', false], ['3.0.0', '>=2.0.0', true],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });
});
