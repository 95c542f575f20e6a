import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as zlib } from 'node:zlib';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ComplexityCache, architectures } from './complexity.js';
import { costsOf } from './costs.js';
import { downloadName, scalarsCsv, scalarsJson } from './export.js';
import { checkHost, CONTENT_SECURITY_POLICY } from './host-check.js';
import { finiteOrNull, sendJsonStream } from './json-stream.js';
import { minMaxDownsample, stepRange } from './downsample.js';
import { confusionOf } from './confusion.js';
import { examplesImage, examplesOf } from './confusion-examples.js';
import { mountImageRoutes } from './images.js';
import { mountLrFindRoutes } from './lr-find.js';
import { HttpError } from './paths.js';
import { flagParam, intParam, numberParam, stringParam } from './query.js';
import { ScalarsJsonCache } from './scalars-cache.js';
import { RunStore, diagnosisOf, hparamsOfRun, type RunStoreOptions } from './store.js';
import { StudyStore } from './studies.js';
import { mountQueueRoutes } from './queue.js';
import type { RunsResponse, ScalarsResponse } from './types.js';

export interface DashboardAppOptions extends RunStoreOptions {
  logdir: string;
  /** The built client (index.html and assets); default: this package's dist/client. */
  clientDir?: string;
  /** The interface the server is bound to (default 127.0.0.1): requests must name it (or localhost) in their Host header. */
  host?: string;
  /** More host names to answer to ('*': any), for a proxy or a name on the network. */
  allowHosts?: string[];
}

/** This package's root: the nearest directory above this file holding its package.json (works from server/ and dist/server/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === '@cnnlab/dashboard') return dir;
      } catch {
        // not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) return resolve(dirname(fileURLToPath(import.meta.url)), '..');
    dir = up;
  }
}

export const API_ENDPOINTS = [
  'GET /api/runs?offset=<n>&limit=<n>&since=<version>',
  'GET /api/runs/:run/scalars?since=<cursor>&tags=<tag,tag>&points=<chart width>&from=<step>&to=<step>',
  'GET /api/runs/:run/diagnosis?patience=<what-if>',
  'GET /api/runs/:run/hparams',
  'GET /api/runs/:run/confusion',
  'GET /api/runs/:run/confusion/examples?true=<row>&pred=<column>',
  'GET /api/runs/:run/confusion/examples.png?true=<row>&pred=<column>',
  'GET /api/runs/:run/images',
  'GET /api/runs/:run/images/:tag/:step?sample=<i>',
  'GET /api/runs/:run/lr-find',
  'GET /api/runs/:run/export.csv',
  'GET /api/runs/:run/export.json',
  'GET /api/hparams',
  'GET /api/costs',
  'GET /api/architectures',
  'GET /api/architectures/:name/summary?depth=<n>',
  'GET /api/complexity?all=1&names=<name,name>&input=<size>',
  'GET /api/sweeps',
  'GET /api/sweeps/:sweep',
  'GET /api/searches',
  'GET /api/searches/:search',
  'GET /api/sweeps/:sweep/queue',
  'GET /api/searches/:search/queue',
];

/** What one point of a scalar series costs in JSON, about: {"step":12345,"value":0.123456789,"wallTime":1750000000.05}. */
const BYTES_PER_POINT = 64;

const pointsIn = (response: ScalarsResponse) => Object.values(response.series).reduce((n, points) => n + points.length, 0);

/** The common input size of a complexity comparison: ?input=<side in pixels>, absent for each model's own. */
function inputSizeOf(raw: unknown): number | null {
  if (raw === undefined || raw === '' || raw === 'default') return null;
  const size = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(size) || size < 8 || size > 1024) {
    throw new HttpError(400, `input must be an image side from 8 to 1024 pixels (or "default"), got "${String(raw)}"`);
  }
  return size;
}

const notBuiltPage = (clientDir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cnnlab dashboard: client not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:4rem auto;padding:0 1rem;color:#1f2937}code,pre{background:#f3f4f6;border-radius:4px;padding:.1rem .3rem}pre{padding:.75rem 1rem}</style>
</head><body>
<h1>The dashboard's web client is not built</h1>
<p>The server is running and its JSON API answers (try <a href="/api/runs">/api/runs</a>), but there is no built client in <code>${clientDir.replace(/[<>&]/g, '')}</code>.</p>
<p>Build it once, then reload this page:</p>
<pre>npm run build -w @cnnlab/dashboard</pre>
<p>(from the repository root; <code>npm run build</code> at the root builds it too).</p>
</body></html>`;

/** The dashboard's express app: the JSON API for one logdir, and the built client. */
export function createDashboardApp(o: DashboardAppOptions): express.Express {
  const studies = new StudyStore(o.logdir, o.scanIntervalMs);
  const store = new RunStore(o.logdir, { ...o, prunedTrials: () => studies.prunedTrials() });
  const complexity = new ComplexityCache();
  const wholeSeries = new ScalarsJsonCache();
  const clientDir = o.clientDir ?? join(packageRoot(), 'dist', 'client');
  const app = express();
  app.disable('x-powered-by');
  app.set('json replacer', finiteOrNull);
  app.use(checkHost({ bound: o.host ?? '127.0.0.1', allow: o.allowHosts }));
  // gzip or brotli when the client asks (Accept-Encoding); brotli at quality 4: the default 11 is for static files.
  app.use(compression({ brotli: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } } }));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  api.get('/', (_req, res) => {
    res.json({ endpoints: API_ENDPOINTS });
  });

  api.get('/runs', async (req, res) => {
    const offset = intParam(req.query, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = intParam(req.query, 'limit', 1, 100_000);
    const since = stringParam(req.query, 'since') || undefined;
    const [list, studyDirs] = await Promise.all([store.list({ offset, limit, since }), studies.dirs()]);
    // 10k runs are ~9 MiB of JSON: written a slice of runs at a time, never one string.
    await sendJsonStream(req, res, { ...list, studies: studyDirs } satisfies RunsResponse);
  });

  api.get('/runs/:run/scalars', async (req, res) => {
    const run = await store.get(req.params.run);
    const since = stringParam(req.query, 'since') || undefined;
    const tagList = stringParam(req.query, 'tags');
    const tags = tagList ? new Set(tagList.split(',')) : undefined;
    const points = intParam(req.query, 'points', 4, 1_000_000);
    const from = numberParam(req.query, 'from');
    const to = numberParam(req.query, 'to');
    if (from !== undefined && to !== undefined && from > to) throw new HttpError(400, `from (${from}) must not be after to (${to})`);
    const sampled = points !== undefined || from !== undefined || to !== undefined;
    const body = (): ScalarsResponse => {
      const { reset, series } = run.pointsSince(since, tags);
      const response: ScalarsResponse = { run: run.name, cursor: run.cursor, reset, series, roles: run.roles, warnings: run.warnings };
      // New points after a cursor are few: sent as they are, for the client to append.
      if (!sampled || !reset) return response;
      const totals: Record<string, number> = {};
      for (const [tag, all] of Object.entries(series)) {
        const inRange = stepRange(all, from, to);
        totals[tag] = inRange.length;
        series[tag] = points !== undefined ? minMaxDownsample(inRange, points) : inRange;
      }
      return { ...response, sampling: { method: 'min-max per bucket', points: points ?? null, from: from ?? null, to: to ?? null, totals } };
    };
    if (since) return sendJsonStream(req, res, body());
    const key = `${run.name}\n${run.version}\n${tags ? [...tags].sort().join(',') : '*'}\n${points ?? ''}:${from ?? ''}:${to ?? ''}`;
    const answer = wholeSeries.get(key, body, (value) => BYTES_PER_POINT * pointsIn(value as ScalarsResponse));
    if ('value' in answer) return sendJsonStream(req, res, answer.value, answer.etag);
    res.type('json').setHeader('ETag', answer.etag);
    res.send(answer.body);
  });

  api.get('/runs/:run/diagnosis', async (req, res) => {
    const raw = stringParam(req.query, 'patience');
    let patience: number | undefined;
    if (raw !== undefined && raw !== '') {
      patience = Number(raw);
      if (!Number.isInteger(patience) || patience < 1) throw new HttpError(400, `patience must be a positive integer, got "${raw}"`);
    }
    const run = await store.get(req.params.run);
    res.json(diagnosisOf(run, patience, store.statusOf(run).status));
  });

  api.get('/runs/:run/hparams', async (req, res) => {
    const run = await store.get(req.params.run);
    res.json({ ...(await hparamsOfRun(run, store.statusOf(run))), warnings: run.warnings });
  });

  api.get('/runs/:run/confusion', async (req, res) => {
    res.json(confusionOf(await store.get(req.params.run)));
  });

  api.get('/runs/:run/confusion/examples', async (req, res) => {
    const run = await store.get(req.params.run);
    res.json(examplesOf(run, confusionOf(run), req.query));
  });

  api.get('/runs/:run/confusion/examples.png', async (req, res) => {
    const run = await store.get(req.params.run);
    const png = examplesImage(run, confusionOf(run), req.query);
    // The URL names the evaluation (examplesOf), so a new evaluation is a new URL.
    res.type('png').setHeader('Cache-Control', 'private, max-age=86400');
    res.send(png);
  });

  api.get('/runs/:run/export.csv', async (req, res) => {
    const run = await store.get(req.params.run);
    res.attachment(downloadName(run.name, 'csv')).type('text/csv; charset=utf-8').send(scalarsCsv(run));
  });

  api.get('/runs/:run/export.json', async (req, res) => {
    const run = await store.get(req.params.run);
    res.attachment(downloadName(run.name, 'json')).type('application/json; charset=utf-8').send(JSON.stringify(scalarsJson(run), null, 2));
  });

  api.get('/hparams', async (_req, res) => {
    res.json(await store.hparams());
  });

  api.get('/costs', async (_req, res) => {
    res.json(await costsOf(await store.all(), (run) => store.statusOf(run)));
  });

  api.get('/architectures', async (_req, res) => {
    res.json(await architectures());
  });

  api.get('/architectures/:name/summary', async (req, res) => {
    const raw = stringParam(req.query, 'depth');
    let depth: number | null = null;
    if (raw !== undefined && raw !== '' && raw !== 'all') {
      depth = Number(raw);
      if (!Number.isInteger(depth) || depth < 1) throw new HttpError(400, `depth must be a positive integer or "all", got "${raw}"`);
    }
    res.json(await complexity.summary(req.params.name, depth));
  });

  api.get('/complexity', async (req, res) => {
    const all = flagParam(req.query, 'all');
    const nameList = stringParam(req.query, 'names');
    const names = nameList ? nameList.split(',').map((n) => n.trim()).filter(Boolean) : undefined;
    res.json(await complexity.compare({ all, names, inputSize: inputSizeOf(stringParam(req.query, 'input')) }));
  });

  api.get('/sweeps', async (_req, res) => {
    res.json(await studies.sweeps());
  });

  api.get('/sweeps/:sweep', async (req, res) => {
    res.json(await studies.sweep(req.params.sweep));
  });

  api.get('/searches', async (_req, res) => {
    res.json(await studies.searches());
  });

  api.get('/searches/:search', async (req, res) => {
    res.json(await studies.search(req.params.search));
  });

  mountQueueRoutes(api, o.logdir);
  mountImageRoutes(api, (name) => store.get(name));
  mountLrFindRoutes(api, (name) => store.get(name));

  api.use((req, _res, next) => next(new HttpError(404, `No such API endpoint: ${req.method} ${req.originalUrl.split('?')[0]}`)));

  api.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof HttpError) return void res.status(error.status).json({ error: error.message });
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return void res.status(status).json({ error: (error as Error).message });
    console.error('cnnlab dashboard:', error);
    res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
  });

  app.use('/api', api);

  const indexHtml = join(clientDir, 'index.html');
  app.use(express.static(clientDir, {
    index: false,
    setHeaders: (res, path) => {
      if (path.includes(`${join(clientDir, 'assets')}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  }));
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!existsSync(indexHtml)) return void res.status(503).type('html').send(notBuiltPage(clientDir));
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });

  return app;
}
