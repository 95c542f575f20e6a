import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADDON_PATH } from '../../src/native.js';
import { bundleSpecs, type SpecBackend } from './bundle.js';
import { REPORT_MARK, type SpecReport } from './run-jasmine.js';

/**
 * Bundles tfjs-core's kernel specs for one backend and runs them under jasmine in a child process
 * (the backend is registered for the whole process, as in an application). Resolves to every spec's outcome.
 */
export async function runTfjsSpecs(backend: SpecBackend, files?: readonly string[]): Promise<SpecReport> {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-tfjs-specs-'));
  try {
    const bundle = await bundleSpecs(backend, dir, files);
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      // The bundle lives outside the package: tell it where the addon is.
      const child = spawn(process.execPath, [bundle], { env: { ...process.env, CNNLAB_TORCH_ADDON: ADDON_PATH, CNNLAB_THREADS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const line = stdout.split('\n').find((l) => l.startsWith(REPORT_MARK));
    if (!line) throw new Error(`tfjs-core's specs on ${backend} printed no report (exit ${code}):\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
    return JSON.parse(line.slice(REPORT_MARK.length)) as SpecReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function summarize(report: SpecReport): { passed: number; failed: number; other: number } {
  const count = (s: string) => report.specs.filter((x) => x.status === s).length;
  return { passed: count('passed'), failed: count('failed'), other: report.specs.length - count('passed') - count('failed') };
}

// `npx tsx --conditions=@cnnlab/source packages/backend-torch/test/tfjs-specs/run-specs.ts torch [file…]`
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const backend = (process.argv[2] ?? 'torch') as SpecBackend;
  const report = await runTfjsSpecs(backend, process.argv.length > 3 ? process.argv.slice(3) : undefined);
  for (const s of report.specs.filter((x) => x.status === 'failed')) console.log(`FAIL ${s.name}\n    ${s.failures.join('\n    ')}`);
  console.log(backend, summarize(report), 'fallbacks', report.fallbacks);
}
