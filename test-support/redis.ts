import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private redis-server for a test: a free port on 127.0.0.1, a temp directory, AOF
 * persistence (so it can be restarted mid-test without losing the queue), a password,
 * stopped by its pid. Needs Debian's redis-server (`apt-get install -y redis-server`).
 */
export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? 'redis-server';
export const REDIS_MISSING = `${REDIS_SERVER} not found: the queue tests need Redis (apt-get install -y redis-server, or set REDIS_SERVER_PATH).`;
export const redisAvailable = (): boolean => spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
/** Run these tests when Redis is installed, and always in CI (where a missing Redis must fail); elsewhere skip with a message. */
export function redisTestsEnabled(what: string): boolean {
  const available = redisAvailable();
  if (!available && !process.env.CI) console.warn(`Skipping ${what}. ${REDIS_MISSING}`);
  return available || Boolean(process.env.CI);
}

export interface RedisHandle {
  /** redis://:<password>@127.0.0.1:<port> */
  url: string;
  password: string;
  port: number;
  pid(): number;
  /** Stops (SIGTERM: the AOF is complete) and starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(o: { password?: string } = {}): Promise<RedisHandle> {
  if (!redisAvailable()) throw new Error(REDIS_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-redis-'));
  const port = await freePort();
  const password = o.password ?? `pw-${Math.random().toString(36).slice(2)}`;
  let child: ChildProcess | null = null;
  const launch = () => new Promise<void>((resolve, reject) => {
    const p = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '',
      '--requirepass', password, '--daemonize', 'no', '--logfile', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = p;
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out.slice(-2000)}`)));
  });
  const halt = () => new Promise<void>((resolve) => {
    const p = child;
    if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
  await launch();
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    password,
    port,
    pid: () => child!.pid!,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
