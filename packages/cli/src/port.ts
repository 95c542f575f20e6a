import { createServer } from 'node:net';

/** Listens on host:port (0: any free port) and closes again; resolves the port bound, or null when it is taken. */
function probe(port: number, host: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(null);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The port the dashboard will serve on: `port` when it is free, else one the
 * system picks, said in a line — checked before any long work, so that a busy
 * port never fails a command after minutes of training.
 */
export async function dashboardPort(port: number, host: string, say: (line: string) => void = console.log): Promise<number> {
  if (port === 0 || (await probe(port, host)) !== null) return port;
  const free = await probe(0, host);
  if (free === null) throw new Error(`Port ${port} on ${host} is in use and no free port was found; choose one with --port`);
  say(`Port ${port} on ${host} is in use; the dashboard will use port ${free} instead (choose one with --port).`);
  return free;
}
