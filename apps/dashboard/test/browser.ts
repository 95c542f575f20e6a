/**
 * What the dashboard's browser tests share: Debian's chromium (or CHROMIUM_PATH) driven by playwright-core, and the
 * client built by Vite. Without chromium the suites fail in CI (CI=true) and are skipped with a message elsewhere.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDashboard, type Dashboard } from '../server/index.js';

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

/** Where the browser suites save screenshots: $DASHBOARD_SCREENSHOTS, $SCREENSHOTS_DIR, or apps/dashboard/screenshots/. */
export const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS ?? process.env.SCREENSHOTS_DIR ?? join(DASHBOARD_ROOT, 'screenshots');

type Viewport = { width: number; height: number };

export interface BrowserSessionOptions {
  /** Writes the suite's runs into `logdir` while the client builds. */
  writeRuns?: (logdir: string) => unknown;
  viewport?: Viewport;
}

/** One suite's client build, dashboard and chromium; `close()` ends them all and removes the work directory. */
export interface BrowserSession {
  work: string;
  logdir: string;
  dashboard: Dashboard;
  context: BrowserContext;
  page: Page;
  /** The page's errors and console errors. */
  errors: string[];
  /** Another browser with its own profile (a phone-sized one, say) and its errors, closed with the session. */
  openPage(viewport: Viewport): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Builds the client into a fresh temporary directory while `writeRuns` fills its logdir, starts the dashboard on a
 * free port and opens chromium on it. A failure part-way closes what was already started.
 */
export async function browserSession(name: string, options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  if (!browserAvailable) throw new Error(MISSING_CHROMIUM);
  const work = mkdtempSync(join(tmpdir(), `dashboard-${name}-`));
  const logdir = join(work, 'runs');
  const contexts: BrowserContext[] = [];
  let dashboard: Dashboard | undefined;
  const close = async () => {
    for (const c of contexts.splice(0)) await c.close();
    await dashboard?.close();
    dashboard = undefined;
    rmSync(work, { recursive: true, force: true });
  };
  const openPage = async (viewport: Viewport) => {
    const opened = await openBrowser(join(work, `profile-${contexts.length}`), viewport);
    contexts.push(opened.context);
    return opened;
  };
  try {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const built = buildClient(join(work, 'client'));
    built.catch(() => undefined);
    await options.writeRuns?.(logdir);
    await built;
    dashboard = await startDashboard({ logdir, port: 0, clientDir: join(work, 'client') });
    const { context, page, errors } = await openPage(options.viewport ?? { width: 1440, height: 900 });
    return { work, logdir, dashboard, context, page, errors, openPage: async (viewport) => { const { page, errors } = await openPage(viewport); return { page, errors }; }, close };
  } catch (e) {
    await close();
    throw e;
  }
}
