/**
 * Static check that a package only imports what it declares.
 *
 * In the workspace every package can import anything hoisted into the root node_modules (root
 * devDependencies, a sibling's dependencies, the siblings themselves). A user who installs one
 * published package gets only what that package declares. So: every bare specifier in the
 * published JavaScript and declaration files must name the package itself, a node builtin, or a
 * dependency / peerDependency / optionalDependency of THAT package.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export type ImportKind = 'import' | 'export-from' | 'dynamic-import' | 'require' | 'import-type' | 'reference-types';

export interface ImportRef {
  specifier: string;
  kind: ImportKind;
  /** 1-based line in the file. */
  line: number;
}

export interface CollectedImports {
  imports: ImportRef[];
  /** `import(x)` / `require(x)` calls whose argument is not a string literal (optional peers are loaded this way). */
  nonLiteral: number[];
}

export interface Manifest {
  name: string;
  version?: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  imports?: Record<string, unknown>;
  [key: string]: unknown;
}

export type ImportProblemKind = 'undeclared' | 'undeclared-sibling' | 'dev-dependency-only' | 'unknown-subpath-import';

export interface ImportProblem {
  kind: ImportProblemKind;
  /** The package being checked. */
  packageName: string;
  /** File relative to the package root, with forward slashes. */
  file: string;
  line: number;
  specifier: string;
  /** The package the specifier names. */
  dependency: string;
  message: string;
}

export interface CheckImportsOptions {
  /** Names of the other workspace packages, so that a missing sibling gets its own message. */
  siblings?: Iterable<string>;
  /** Files to check, relative to the package root (e.g. a tarball's file list); default: every file but node_modules. */
  files?: string[];
}

export interface CheckImportsResult {
  packageName: string;
  filesChecked: number;
  /** Every bare package name imported, with the files importing it. */
  dependenciesUsed: Map<string, string[]>;
  problems: ImportProblem[];
  /** Files with non-literal dynamic imports / requires (not checkable statically). */
  nonLiteral: { file: string; line: number }[];
}

const CODE_FILE = /\.(?:[cm]?js|d\.[cm]?ts)$/;

function scriptKindOf(file: string): ts.ScriptKind {
  return /\.d\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

function stringArgument(node: ts.Expression | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

/** Every module specifier in one JavaScript or declaration file. */
export function collectImports(code: string, fileName = 'file.js'): CollectedImports {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const imports: ImportRef[] = [];
  const nonLiteral: number[] = [];
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const add = (specifier: string, kind: ImportKind, node: ts.Node) => imports.push({ specifier, kind, line: lineOf(node.getStart(source)) });

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const s = stringArgument(node.moduleSpecifier);
      if (s !== undefined) add(s, 'import', node);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const s = stringArgument(node.moduleSpecifier);
      if (s !== undefined) add(s, 'export-from', node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const s = stringArgument(node.moduleReference.expression);
      if (s !== undefined) add(s, 'require', node);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) add(arg.literal.text, 'import-type', node);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      // require('x'), require.resolve('x') (also on a createRequire() result named require), import.meta.resolve('x')
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve = ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve'
        && ((ts.isIdentifier(callee.expression) && callee.expression.text === 'require') || ts.isMetaProperty(callee.expression));
      if (isDynamicImport || isRequire || isResolve) {
        const s = stringArgument(node.arguments[0]);
        if (s !== undefined) add(s, isDynamicImport ? 'dynamic-import' : 'require', node);
        else nonLiteral.push(lineOf(node.getStart(source)));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const ref of source.typeReferenceDirectives) {
    imports.push({ specifier: ref.fileName, kind: 'reference-types', line: lineOf(ref.pos) });
  }
  return { imports, nonLiteral };
}

export type SpecifierClass =
  | { type: 'relative' }
  | { type: 'builtin' }
  | { type: 'subpath-import' }
  | { type: 'url' }
  | { type: 'package'; name: string };

/** What a specifier refers to; for packages, the package name ("@scope/name" or "name"). */
export function classifySpecifier(specifier: string): SpecifierClass {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return { type: 'relative' };
  if (specifier.startsWith('node:') || isBuiltin(specifier)) return { type: 'builtin' };
  if (specifier.startsWith('#')) return { type: 'subpath-import' };
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return { type: 'url' };
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return { type: 'package', name };
}

function listFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === '.git') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) listFiles(root, path, out);
    else out.push(relative(root, path).split(sep).join('/'));
  }
  return out;
}

/** Checks the bare imports of every .js/.mjs/.cjs/.d.ts file of the package at `packageDir` against its package.json. */
export function checkPackageImports(packageDir: string, options: CheckImportsOptions = {}): CheckImportsResult {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
  const siblings = new Set(options.siblings ?? []);
  const runtime = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  const devOnly = new Set(Object.keys(manifest.devDependencies ?? {}).filter((d) => !runtime.has(d)));
  const files = (options.files ?? listFiles(packageDir)).filter((f) => CODE_FILE.test(f)).sort();
  const problems: ImportProblem[] = [];
  const dependenciesUsed = new Map<string, string[]>();
  const nonLiteral: { file: string; line: number }[] = [];
  const declared = `dependencies, peerDependencies or optionalDependencies of ${manifest.name}`;

  for (const file of files) {
    const { imports, nonLiteral: dynamic } = collectImports(readFileSync(join(packageDir, file), 'utf8'), file);
    for (const line of dynamic) nonLiteral.push({ file, line });
    for (const ref of imports) {
      let specifier = ref.specifier;
      if (ref.kind === 'reference-types') {
        // `/// <reference types="node" />`: @types/node is the consumer's, as for every Node.js library.
        if (specifier === 'node') continue;
        specifier = runtime.has(specifier) ? specifier : `@types/${specifier.replace(/^@([^/]+)\//, '$1__')}`;
      }
      const what = classifySpecifier(specifier);
      if (what.type === 'subpath-import') {
        const keys = Object.keys(manifest.imports ?? {});
        const known = keys.some((k) => k === specifier || (k.includes('*') && specifier.startsWith(k.slice(0, k.indexOf('*')))));
        if (!known) {
          problems.push({
            kind: 'unknown-subpath-import', packageName: manifest.name, file, line: ref.line, specifier, dependency: specifier,
            message: `${manifest.name}: ${file}:${ref.line} imports "${specifier}", which is not in the "imports" field of its package.json`,
          });
        }
        continue;
      }
      if (what.type !== 'package') continue;
      const dep = what.name;
      if (dep === manifest.name) continue; // self-reference through "exports"
      const users = dependenciesUsed.get(dep) ?? [];
      if (!users.includes(file)) users.push(file);
      dependenciesUsed.set(dep, users);
      if (runtime.has(dep)) continue;
      // An `import type` in a declaration file of a type-only package ("@types/x") is still needed by consumers.
      let kind: ImportProblemKind;
      let message: string;
      const where = `${file}:${ref.line}`;
      if (devOnly.has(dep)) {
        kind = 'dev-dependency-only';
        message = `${manifest.name}: ${where} imports "${specifier}", but "${dep}" is only a devDependency of ${manifest.name}; users will not have it (move it to dependencies, or to peerDependencies if the user must provide it)`;
      } else if (siblings.has(dep)) {
        kind = 'undeclared-sibling';
        message = `${manifest.name}: ${where} imports the workspace package "${dep}" but does not declare it (add "${dep}" to the ${declared}); it resolves in the workspace only because npm links every workspace package into the root node_modules`;
      } else {
        kind = 'undeclared';
        message = `${manifest.name}: ${where} imports "${specifier}", but "${dep}" is not in the ${declared}; in the workspace it resolves only because another package or the root brings it in`;
      }
      problems.push({ kind, packageName: manifest.name, file, line: ref.line, specifier, dependency: dep, message });
    }
  }
  return { packageName: manifest.name, filesChecked: files.length, dependenciesUsed, problems, nonLiteral };
}
