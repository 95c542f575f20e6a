// Builds the addon with node-gyp against the system libtorch (or $LIBTORCH).
// This package is optional: a missing libtorch, compiler or node headers must
// never fail `npm ci`, so failures are recorded in build/install-status.json
// (probeTorch() reports them with the install lines) and the script exits 0.
// `--strict` (npm run build:addon) exits non-zero instead.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
// CNNLAB_TORCH_STATUS_FILE: tests write elsewhere, leaving the real build's status alone.
const statusFile = process.env.CNNLAB_TORCH_STATUS_FILE || join(root, 'build', 'install-status.json');
const strict = process.argv.includes('--strict');

function record(status) {
  mkdirSync(dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
}

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const npmRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim();
  const bundled = npmRoot && join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return bundled && existsSync(bundled) ? bundled : null;
}

function missing() {
  const base = process.env.LIBTORCH ? join(process.env.LIBTORCH, 'include') : '/usr/include';
  if (!existsSync(join(base, 'ATen', 'ATen.h'))) {
    return process.env.LIBTORCH ? `no libtorch headers under LIBTORCH=${process.env.LIBTORCH}` : 'libtorch is not installed (no /usr/include/ATen/ATen.h)';
  }
  if (spawnSync('c++', ['--version']).status !== 0) return 'no C++ compiler (c++) on PATH';
  return null;
}

function main() {
  if (process.env.CNNLAB_SKIP_TORCH_BUILD) return record({ ok: false, reason: 'build skipped (CNNLAB_SKIP_TORCH_BUILD is set)' });
  const reason = missing();
  if (reason) return record({ ok: false, reason });
  const gyp = nodeGyp();
  if (!gyp) return record({ ok: false, reason: 'node-gyp not found (it ships with npm)' });
  const args = [gyp, 'rebuild'];
  // Debian's nodejs installs its headers under /usr/include/node: build offline against them.
  if (existsSync('/usr/include/node/node_api.h') && process.execPath.startsWith('/usr/bin/')) args.push('--nodedir=/usr');
  const build = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (build.status !== 0) {
    const tail = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').filter((l) => !l.startsWith('gyp info')).slice(-8).join('\n');
    return record({ ok: false, reason: `node-gyp failed to build the addon:\n${tail}` });
  }
  record({ ok: true });
}

main();
if (strict) {
  const { readFileSync } = require('node:fs');
  const status = JSON.parse(readFileSync(statusFile, 'utf8'));
  if (!status.ok) {
    console.error(`@cnnlab/backend-torch: ${status.reason}`);
    process.exit(1);
  }
}
