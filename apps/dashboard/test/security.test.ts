import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { hostAllowed, hostnameOf, parseHost } from '../server/host-check.js';
import { startDashboard, type Dashboard } from '../server/index.js';
import { tempDir, writeCnnlabRun } from './fixtures.js';

const logdir = tempDir();
writeCnnlabRun(logdir, 'lenet-a');
const started: Dashboard[] = [];
afterAll(() => Promise.all(started.map((d) => d.close())));

/** A plain HTTP GET with a chosen Host header (fetch does not let a caller set it). */
function get(port: number, path: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The status code of a request written byte for byte. */
function rawStatus(port: number, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.on('data', (d) => (reply += d));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('Host header check (DNS rebinding) and Content-Security-Policy', () => {
  it('rejects a foreign Host with 403 and a hint, and serves the bound address and localhost', async () => {
    const d = await startDashboard({ logdir, port: 0 });
    started.push(d);
    const foreign = await get(d.port, '/api/runs', `rebind.attacker.example:${d.port}`);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('Host "rebind.attacker.example" is not allowed');
    expect(foreign.body).toContain('--allow-host rebind.attacker.example');
    expect(foreign.body).not.toContain('lenet-a');
    for (const host of [`127.0.0.1:${d.port}`, `localhost:${d.port}`, `[::1]:${d.port}`]) {
      const ok = await get(d.port, '/api/runs', host);
      expect(ok.status, host).toBe(200);
      expect(ok.body).toContain('lenet-a');
    }
    expect((await get(d.port, '/', `evil.example:${d.port}`)).status).toBe(403);
  });

  it('answers a name allowed with allowHosts (the --allow-host option), and any with "*"', async () => {
    const d = await startDashboard({ logdir, port: 0, allowHosts: ['lab.example.org'] });
    started.push(d);
    expect((await get(d.port, '/api/runs', `lab.example.org:${d.port}`)).status).toBe(200);
    expect((await get(d.port, '/api/runs', `other.example.org:${d.port}`)).status).toBe(403);
    const any = await startDashboard({ logdir, port: 0, allowHosts: ['*'] });
    started.push(any);
    expect((await get(any.port, '/api/runs', 'whatever.example')).status).toBe(200);
  });

  it('sends a Content-Security-Policy that allows only this origin', async () => {
    const d = await startDashboard({ logdir, port: 0 });
    started.push(d);
    const res = await get(d.port, '/api/runs', `127.0.0.1:${d.port}`);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('parses Host headers and accepts IP addresses only when bound to every interface', () => {
    expect(hostnameOf('[::1]:6006')).toBe('::1');
    expect(hostnameOf('Example.ORG:80')).toBe('example.org');
    expect(hostnameOf('::1')).toBe('::1');
    expect(hostAllowed('10.1.2.3:6006', { bound: '0.0.0.0' })).toBe(true);
    expect(hostAllowed('10.1.2.3:6006', { bound: '127.0.0.1' })).toBe(false);
    expect(hostAllowed('gpu-box:6006', { bound: '0.0.0.0' })).toBe(false);
    expect(hostAllowed('gpu-box:6006', { bound: 'gpu-box' })).toBe(true);
    expect(hostAllowed(undefined, { bound: '127.0.0.1' })).toBe(false);
  });

  it('refuses Host headers that are not uri-host[:port]: a name after the port, an empty one, a bad port or brackets', async () => {
    for (const bad of ['127.0.0.1:6232.evil.example', 'localhost:6232.evil.example', '', '  ', 'localhost:', 'localhost:abc', 'localhost:99999',
      '127.0.0.1 evil.example', '[::1]evil', '[::1', '[127.0.0.1]:80', 'local host', 'localhost:80:80', 'évil.localhost']) {
      expect(parseHost(bad), bad).toBeNull();
      expect(hostAllowed(bad, { bound: '127.0.0.1' }), bad).toBe(false);
    }
    expect(parseHost('LOCALHOST.:6232')).toBe('localhost');
    expect(parseHost('[::1]')).toBe('::1');
    const d = await startDashboard({ logdir, port: 0 });
    started.push(d);
    const suffixed = await get(d.port, '/api/runs', `127.0.0.1:${d.port}.evil.example`);
    expect(suffixed.status).toBe(403);
    expect(suffixed.body).not.toContain('lenet-a');
    // An empty Host, sent as is (the http client would fill one in).
    expect(await rawStatus(d.port, 'GET /api/runs HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n')).toBe(403);
    expect(await rawStatus(d.port, `GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nConnection: close\r\n\r\n`)).toBe(200);
  });
});
