import { main } from '../src/main.js';

/** Runs the CLI in-process and returns what it printed. */
export async function cnnlab(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, write = process.stderr.write.bind(process.stderr), stdoutWrite = process.stdout.write.bind(process.stdout);
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => { err.push(String(chunk)); return true; }) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await main(['node', 'cnnlab', ...args]);
  } finally {
    console.log = log;
    process.stderr.write = write;
    process.stdout.write = stdoutWrite;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: out.join('\n'), err: err.join(''), code };
}
