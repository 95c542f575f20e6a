/**
 * The kit's node_modules/: packages core loads through variable specifiers
 * (`import(name)`), which esbuild leaves to Node at run time. Each shim hands
 * back the module the bundle already holds, so there is one tfjs and one torch
 * backend in the process.
 */
export const KIT_TORCH_GLOBAL = Symbol.for('cnnlab.device-kit.torch');

export interface ShimFile {
  path: string;
  text: string;
}

const pkg = (name: string) => JSON.stringify({ name, version: '0.0.0-kit', type: 'module', main: 'index.js' }) + '\n';

/** The files of the shims, relative to the kit's node_modules/. */
export function shimFiles(torchExports: readonly string[], families: readonly string[]): ShimFile[] {
  const names = torchExports.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  if (names.length === 0) throw new Error('device-kit: @cnnlab/backend-torch exports nothing to shim');
  const torch = [
    `const m = globalThis[Symbol.for('cnnlab.device-kit.torch')];`,
    `if (!m) throw new Error('cnnlab device kit: the bundled torch backend is not registered (run cli/cnnlab.mjs, not this shim)');`,
    ...names.map((n) => `export const ${n} = m.${n};`),
  ].join('\n') + '\n';
  const files: ShimFile[] = [
    { path: '@cnnlab/backend-torch/package.json', text: pkg('@cnnlab/backend-torch') },
    { path: '@cnnlab/backend-torch/index.js', text: torch },
  ];
  for (const family of families) {
    if (!/^@cnnlab\/arch-[a-z0-9-]+$/.test(family)) throw new Error(`device-kit: ${family} is not an @cnnlab/arch-* package name`);
    // The bundle imported (and so registered) every family already.
    files.push({ path: `${family}/package.json`, text: pkg(family) }, { path: `${family}/index.js`, text: 'export {};\n' });
  }
  // sharp decodes image-folder data sets (trainer/data/folder); a native package, left out.
  files.push(
    { path: 'sharp/package.json', text: pkg('sharp') },
    { path: 'sharp/index.js', text: "export default function sharp() { throw new Error('image folders need sharp, which the cnnlab device kit leaves out'); }\n" },
  );
  return files;
}
