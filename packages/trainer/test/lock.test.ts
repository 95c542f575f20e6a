import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockFile } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnlab-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lockFile', () => {
  it('writes this process id, and release removes it', () => {
    const path = join(dir, 'a.lock');
    const release = lockFile(path, () => new Error('busy'));
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a stale lock whose process is gone', () => {
    const path = join(dir, 'b.lock');
    writeFileSync(path, '999999999');
    lockFile(path, () => new Error('busy'))();
  });

  it('fails with the caller\'s error while another live process holds it', async () => {
    const path = join(dir, 'c.lock');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path, String(other.pid));
      expect(() => lockFile(path, (pid) => new Error(`held by ${pid}`))).toThrow(`held by ${other.pid}`);
      expect(readFileSync(path, 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });
});
