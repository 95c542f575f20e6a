import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { startHeapCappedDashboard } from './heap-capped.js';

// The server's entry that loads nothing heavy: the app (and through it the readers, the trainer's helpers and
// TensorFlow.js) is imported only by the thread that serves, so a heap-capped dashboard's main thread stays small.

export interface DashboardOptions {
  /** Directory holding the runs (nested ones too). It may not exist yet. */
  logdir: string;
  /** Default 6006 (TensorBoard's); 0 picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (this machine only). */
  host?: string;
  /** The built client; default: this package's dist/client. */
  clientDir?: string;
  /** More host names the dashboard answers to besides the bound address and localhost ('*': any); see --allow-host. */
  allowHosts?: string[];
  /** Minimum time between two scans of the logdir, in ms (default 1000). */
  scanIntervalMs?: number;
  /**
   * Serve from a worker thread whose V8 heap (old generation) is capped at this many MiB, doubled if the logdir
   * needs more: a scan of 10k runs then stays near 300 MiB of RSS instead of twice that. Default: no cap, in this thread.
   */
  heapLimitMb?: number;
}

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the dashboard and its JSON API for `logdir` until `close()`. Rejects with a clear error when the port is taken. */
export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  if (o.heapLimitMb !== undefined) return startHeapCappedDashboard(o, o.heapLimitMb);
  return listenDashboard(o);
}

/** `startDashboard` in this thread, whatever `heapLimitMb` says (the capped server's worker runs this). */
export async function listenDashboard(o: DashboardOptions): Promise<Dashboard> {
  const { port = 6006, host = '127.0.0.1' } = o;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port ${port}: expected an integer from 0 to 65535`);
  const appOptions: import('./app.js').DashboardAppOptions = { logdir: resolve(o.logdir), clientDir: o.clientDir, scanIntervalMs: o.scanIntervalMs, host, allowHosts: o.allowHosts };
  const { createDashboardApp } = await import('./app.js');
  const server: Server = createServer(createDashboardApp(appOptions));
  await new Promise<void>((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${port} on ${host} is already in use (another dashboard or TensorBoard?): stop it, or choose another port with --port`));
      } else if (error.code === 'EACCES') {
        reject(new Error(`Not allowed to listen on ${host}:${port}: choose a port above 1023 with --port`));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new Error(`Cannot listen on ${host}: no such address on this machine (${error.code})`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolveListen();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${actual}/`,
    port: actual,
    close() {
      closing ??= new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
