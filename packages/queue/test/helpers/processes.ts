import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const here = import.meta.dirname;

export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already printed or to come) that `match` accepts. */
  waitFor(match: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** A helper script in one node process (no tsx wrapper, so that a signal reaches the process that works), one thread of wasm. */
export function spawnHelper(script: string, args: string[], onLine?: (line: string, child: Child) => void): Child {
  const p = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CNNLAB_THREADS: '1' },
  });
  const lines: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let buffer = '', err = '';
  const child: Child = {
    process: p, lines,
    waitFor: (match, what, timeoutMs = 240_000) => {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const fail = (why: string) => reject(new Error(`${script}: ${why} waiting for ${what}; last lines:\n${lines.slice(-15).join('\n')}\n${err.slice(-2000)}`));
        const timer = setTimeout(() => fail('timed out'), timeoutMs);
        const onExit = (code: number | null, signal: string | null) => fail(`exited (${code ?? signal})`);
        p.once('exit', onExit);
        waiters.push({ match, resolve: (l) => { clearTimeout(timer); p.off('exit', onExit); resolve(l); } });
      });
    },
    exited: new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal }))),
    stderr: () => err,
  };
  p.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      onLine?.(line, child);
      for (const w of waiters.filter((x) => x.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  p.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return child;
}
