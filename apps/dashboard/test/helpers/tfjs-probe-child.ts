// Serves a logdir in this process and prints, after each request, whether TensorFlow.js has been loaded:
// tfjs-core creates its engine (globalThis._tfengine) as its module is evaluated.
import { listenDashboard } from '../../server/start.js';

const [logdir, ...paths] = process.argv.slice(2) as [string, ...string[]];
const tfjsLoaded = () => '_tfengine' in globalThis;
const dashboard = await listenDashboard({ logdir, port: 0, clientDir: logdir, scanIntervalMs: 0 });
const seen: { path: string; status: number; tfjs: boolean }[] = [{ path: '(started)', status: 0, tfjs: tfjsLoaded() }];
for (const path of paths) {
  const res = await fetch(new URL(path, dashboard.url));
  await res.arrayBuffer();
  seen.push({ path, status: res.status, tfjs: tfjsLoaded() });
}
await dashboard.close();
process.stdout.write(JSON.stringify(seen) + '\n');
