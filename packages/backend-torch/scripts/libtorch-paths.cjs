// Compiler and linker flags for the addon: Debian's system libtorch by default,
// or the libtorch unpacked at $LIBTORCH (as Rust's tch does), with an rpath to it.
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = process.env.LIBTORCH;
const what = process.argv[2];

function libDir() {
  return root ? join(root, 'lib') : null;
}

function hasLib(name) {
  const dirs = root ? [libDir()] : ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib'];
  return dirs.some((d) => existsSync(d) && readdirSync(d).some((f) => f.startsWith(`lib${name}.so`)));
}

if (what === 'include') {
  const base = root ? join(root, 'include') : '/usr/include';
  console.log([base, join(base, 'torch/csrc/api/include')].join(' '));
} else if (what === 'libs') {
  const flags = [];
  if (root) flags.push(`-L${libDir()}`, `-Wl,-rpath,${libDir()}`);
  flags.push('-ltorch_cpu', '-lc10');
  if (hasLib('torch')) flags.push('-ltorch');
  // CUDA kernels register from static initialisers; without --no-as-needed the linker drops the libraries.
  if (hasLib('torch_cuda')) flags.push('-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed');
  console.log(flags.join(' '));
} else if (what === 'abi') {
  // pytorch.org's cxx11-abi builds and Debian's use the new ABI; the "pre-cxx11" zips do not.
  console.log(root && /pre-cxx11|precxx11/i.test(root) ? 0 : 1);
} else {
  console.error('usage: libtorch-paths.cjs include|libs|abi');
  process.exit(2);
}
