import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Trains or resumes TEST_RUN in a child process (see train-child.ts), with `env` added to this process's
 * environment; `killWhen` a stdout line matches, it is SIGKILLed.
 */
export function runChild(args: string[], killWhen?: (line: string) => boolean, env: Record<string, string> = {}): Promise<{ killed: boolean }> {
  return new Promise((resolve, reject) => {
    // One process (no tsx wrapper process), so that SIGKILL hits the process that trains.
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', join(here, 'train-child.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let killed = false, stderr = '';
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      if (!killed && killWhen && lines.some(killWhen)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ killed });
      else if (code === 0) resolve({ killed });
      else reject(new Error(`child exited with ${code ?? signal}: ${stderr.slice(-2000)}`));
    });
  });
}
