import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardCommand, loadDashboard, serveDashboard } from '../src/commands/dashboard.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnlab-cli-dashboard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** The dashboard is an optional package of the CLI; in this repository it is installed. */
const installed = (await loadDashboard()) !== null;

/** The status of a GET with a chosen Host header. */
function statusFor(url: string, host: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/runs', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cnnlab dashboard --allow-host', () => {
  it('parses one or more names', async () => {
    let options: Record<string, unknown> = {};
    const command = dashboardCommand().action((o) => void (options = o));
    await command.parseAsync(['--logdir', dir, '--port', '0', '--allow-host', 'lab.example.org', 'gpu-box'], { from: 'user' });
    expect(options).toMatchObject({ logdir: dir, port: 0, host: '127.0.0.1', allowHost: ['lab.example.org', 'gpu-box'] });
  });

  it.runIf(installed)('passes the names to the server, which refuses any other Host', async () => {
    const log = console.log;
    console.log = () => {};
    const served = await serveDashboard({ logdir: dir, port: 0, host: '127.0.0.1', allowHost: ['lab.example.org'] }).finally(() => (console.log = log));
    try {
      expect(await statusFor(served.url, 'lab.example.org')).toBe(200);
      expect(await statusFor(served.url, 'localhost')).toBe(200);
      expect(await statusFor(served.url, 'attacker.example')).toBe(403);
    } finally {
      await served.close();
    }
  });
});
