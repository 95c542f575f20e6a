import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let busy: Server;
let busyPort: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cnnlab-port-'));
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await new Promise((resolve) => busy.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the CLI in its own process; resolves its output once `until` matches it (or it exits). */
function runUntil(args: string[], until: RegExp): Promise<{ out: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cnnlab/source', join(here, 'helpers/cli-child.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CNNLAB_THREADS: '1' },
  });
  children.push(child);
  let out = '';
  return new Promise((resolve) => {
    const seen = (chunk: Buffer) => { out += chunk.toString(); if (until.test(out)) resolve({ out, child }); };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.on('exit', () => resolve({ out, child }));
  });
}

describe('a busy dashboard port', () => {
  it('quickstart picks a free port and says so before it trains', async () => {
    const { out, child } = await runUntil(['quickstart', '--port', String(busyPort), '--logdir', dir, '--epochs', '1'], /\S.*\n/);
    child.kill('SIGKILL');
    const notice = out.search(new RegExp(`Port ${busyPort} on 127\\.0\\.0\\.1 is in use; the dashboard will use port \\d+ instead`));
    expect(notice, out).toBeGreaterThanOrEqual(0);
    // Nothing of the training (the data, the run directory, the first epoch) comes before the notice
    expect(out.slice(0, notice).trim()).toBe('');
  }, 120_000);

  it('dashboard serves on a free port instead, and says which', async () => {
    const { out, child } = await runUntil(['dashboard', '--port', String(busyPort), '--logdir', dir], /Dashboard: http\S+|cnnlab: .*/);
    const port = Number(out.match(/the dashboard will use port (\d+) instead/)?.[1]);
    expect(port, out).toBeGreaterThan(0);
    expect(port).not.toBe(busyPort);
    expect(out).toMatch(new RegExp(`Dashboard: http://127\\.0\\.0\\.1:${port}`));
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    child.kill('SIGKILL');
  }, 120_000);
});
