import { parentPort, workerData } from 'node:worker_threads';
import { listenDashboard, type DashboardOptions } from './start.js';

/** The dashboard server in a worker thread with a capped heap (see heap-capped.ts): answers its URL, closes on 'close'. */
const port = parentPort!;
try {
  const dashboard = await listenDashboard(workerData as DashboardOptions);
  port.postMessage({ type: 'listening', url: dashboard.url, port: dashboard.port });
  port.on('message', (message: unknown) => {
    if (message !== 'close') return;
    void dashboard.close().finally(() => {
      port.postMessage({ type: 'closed' });
      port.close();
    });
  });
} catch (error) {
  port.postMessage({ type: 'error', message: (error as Error).message });
  port.close();
}
