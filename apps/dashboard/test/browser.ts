/**
 * What the dashboard's browser tests share: Debian's chromium (or CHROMIUM_PATH) driven by playwright-core, and the
 * client built by Vite. Without chromium the suites fail in CI (CI=true) and are skipped with a message elsewhere.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const DASHBOARD_ROOT = dirname(import.meta.dirname);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];
export const browserAvailable = existsSync(CHROMIUM);
export const MISSING_CHROMIUM = `Chromium not found at ${CHROMIUM}: the dashboard's browser tests need it (apt-get install -y chromium, or set CHROMIUM_PATH).`;
/** Run the suite where chromium is, and in CI always (where a missing chromium must fail). */
export const runBrowserTests = browserAvailable || Boolean(process.env.CI);

/** Builds the client with Vite into `outDir` (a child process, so it can run while fixtures are written). */
export function buildClient(outDir: string): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: DASHBOARD_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output}`))));
  });
}

/** A headless chromium with its own profile directory. */
export function launchBrowser(profileDir: string, viewport = { width: 1440, height: 900 }): Promise<BrowserContext> {
  if (!browserAvailable) throw new Error(MISSING_CHROMIUM);
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport });
}

/** A headless chromium with its own profile under `profileDir`, and its first page; page errors are collected. */
export async function openBrowser(profileDir: string, viewport = { width: 1440, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await launchBrowser(profileDir, viewport);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  return { context, page, errors };
}
