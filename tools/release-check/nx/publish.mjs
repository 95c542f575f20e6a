#!/usr/bin/env node
// `nx release publish` runs this once per publishable package (target nx-release-publish, added by publish-target.cjs):
//   node tools/release-check/nx/publish.mjs <packageDir> [--dryRun=true] [--tag=<tag>] [--registry=<url>] [--otp=<code>] [--access=<access>]
// It publishes the package folder as it is (run `npm run release:check` first: it builds and checks exactly these files),
// skips a version that is already on the registry (so a publish that failed half-way can be re-run), and with
// --dryRun (or NX_DRY_RUN=true, which nx sets for `nx release --dry-run`) only runs `npm publish --dry-run`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dirArg, ...rest] = process.argv.slice(2);
if (!dirArg) {
  console.error('usage: publish.mjs <packageDir> [--dryRun=true] [--tag=<tag>] [--registry=<url>] [--otp=<code>]');
  process.exit(2);
}
const flags = {};
for (const arg of rest) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
  if (m) flags[m[1]] = m[2] ?? 'true';
}
const dir = resolve(dirArg);
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const id = `${manifest.name}@${manifest.version}`;
const dryRun = flags.dryRun === 'true' || flags['dry-run'] === 'true' || process.env.NX_DRY_RUN === 'true';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (manifest.private === true) {
  console.log(`${id} is private: not published`);
  process.exit(0);
}
if (!existsSync(join(dir, 'dist'))) {
  console.error(`${id}: ${dirArg}/dist is missing. Build and check first: npm run release:check`);
  process.exit(1);
}

const registryArgs = flags.registry ? ['--registry', flags.registry] : [];
if (!dryRun) {
  const view = spawnSync(npm, ['view', id, 'version', ...registryArgs], { encoding: 'utf8' });
  if (view.status === 0 && view.stdout.trim() === manifest.version) {
    console.log(`${id} is already on the registry: skipped`);
    process.exit(0);
  }
}

const args = ['publish', '--access', flags.access ?? manifest.publishConfig?.access ?? 'public', ...registryArgs];
if (flags.tag) args.push('--tag', flags.tag);
if (flags.otp) args.push('--otp', flags.otp);
// --offline: a dry run needs no registry (without it npm retries the login check for minutes when offline).
if (dryRun) args.push('--dry-run', '--offline');
console.log(`${dryRun ? '[dry-run] ' : ''}npm ${args.join(' ').replace(/--otp \S+/, '--otp ***')}   (in ${dirArg})`);
const result = spawnSync(npm, args, { cwd: dir, stdio: 'inherit' });
process.exit(result.status ?? 1);
