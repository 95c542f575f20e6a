import { Command } from 'commander';
import { int } from '../parse.js';
import { dashboardPort } from '../port.js';

export interface DashboardModule {
  startDashboard(o: { logdir: string; port?: number; host?: string; allowHosts?: string[]; heapLimitMb?: number }): Promise<{ url: string; close(): Promise<void> }>;
}

/**
 * The server runs in a worker thread with this V8 heap cap: a 10k-run logdir then peaks near 300 MiB of RSS
 * instead of ~580 (the heap grows to several times what is live without one); see the dashboard's README.
 */
export const DEFAULT_MAX_HEAP_MB = 128;

/** The dashboard is its own package; the CLI starts it when it is installed. */
export async function loadDashboard(): Promise<DashboardModule | null> {
  const name = '@cnnlab/dashboard';
  try {
    // The light entry: the server's modules load in the thread that serves (a worker, with --max-heap).
    return (await import(`${name}/start`)) as DashboardModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(name)) return null;
    throw error;
  }
}

/** Starts the dashboard (serving until the process ends) and returns it. `allowHost`: --allow-host's names. */
export async function serveDashboard(o: { logdir: string; port: number; host: string; allowHost?: string[]; maxHeap?: number }): Promise<{ url: string; close(): Promise<void> }> {
  o = { ...o, port: await dashboardPort(o.port, o.host) };
  const dashboard = await loadDashboard();
  if (!dashboard) throw new Error('The dashboard is not installed: npm install @cnnlab/dashboard');
  const served = await dashboard.startDashboard({ logdir: o.logdir, port: o.port, host: o.host, allowHosts: o.allowHost, heapLimitMb: o.maxHeap ? o.maxHeap : undefined });
  console.log(`Dashboard: ${served.url}  (logdir ${o.logdir}; Ctrl-C to stop)`);
  return served;
}

export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('Serve the dashboard (runs, curves, hyper-parameters, complexity) for a log directory')
    .option('--logdir <dir>', 'directory holding runs', 'runs')
    .option('--port <n>', 'port', int('--port', { min: 0 }), 6006)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--allow-host <name...>', 'also answer requests for this host name (a proxy\'s or the machine\'s name; "*" for any); others get 403, against DNS rebinding')
    .option('--max-heap <MiB>', 'cap the server\'s V8 heap (old generation), doubled if the logdir needs more; 0: no cap', int('--max-heap', { min: 0 }), DEFAULT_MAX_HEAP_MB)
    .action(async (o) => void (await serveDashboard(o)));
}
