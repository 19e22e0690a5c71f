import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { httpPartyLabel, httpRouteLabel, rememberMountPath, type Metrics } from '../../ops/metrics.js';
import { API_VERSION, documentedOperations } from './openapi.js';
import { strictPaths } from '../path-policy.js';
import { HttpProblem, sendProblem } from './problem.js';
import { safePath } from '../../ops/redact.js';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** The HTTP shell: operations endpoints, the API router, and problem+json for every error. */
export function createHttpApp(deps: {
  logger: Logger;
  metrics: Metrics;
  readiness: HealthCheck[];
  api: express.Router;
  /** Other channels, each under its own base path, answering errors in their own standard. */
  channels?: Array<{ path: string; router: express.Router }>;
  openApi: Record<string, unknown>;
  isShuttingDown: () => boolean;
  /** Logs a request refused before it became a message (e.g. a body over the limit). */
  onRefused: (reason: string, detail: Record<string, unknown>) => void;
  /** Middleware that runs first for every request (W3C trace context). */
  before?: express.RequestHandler[];
}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  for (const m of deps.before ?? []) app.use(m);

  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      deps.metrics.httpDuration.observe({ method: req.method, route: httpRouteLabel(req, res), status: String(res.statusCode), party: httpPartyLabel(res) }, seconds);
      // Path only: query strings may carry filters about persons.
      deps.logger.debug({ method: req.method, path: safePath(req.path), status: res.statusCode, ms: Math.round(seconds * 1000) }, 'http');
    });
    if (deps.isShuttingDown()) res.setHeader('Connection', 'close');
    next();
  });

  app.get('/health/live', (_req, res) => {
    res.json({ status: 'up' });
  });

  app.get('/health/ready', async (_req, res) => {
    const checks: Record<string, string> = {};
    const reasons: Record<string, string> = {};
    let ok = !deps.isShuttingDown();
    for (const c of deps.readiness) {
      try {
        await withTimeout(c.check(), 2000);
        checks[c.name] = 'up';
      } catch (err) {
        checks[c.name] = 'down';
        // A check that knows why (e.g. the store's write probe: disk-full) says so; others stay terse.
        const reason = (err as { reason?: unknown }).reason;
        if (typeof reason === 'string') reasons[c.name] = reason;
        ok = false;
      }
    }
    res.status(ok ? 200 : 503).json({
      status: ok ? 'up' : 'down',
      checks,
      ...(Object.keys(reasons).length > 0 ? { reasons } : {}),
      ...(deps.isShuttingDown() ? { shuttingDown: true } : {}),
    });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  // /api/v1 follows the NL API Design Rules: the API-Version header on every answer, no trailing
  // slash (the path without it is named), and 405 with Allow for a documented path and another method.
  const restPaths = strictPaths(documentedOperations(deps.openApi), (refusal, _req, _res, next) => next(new HttpProblem(refusal.status, refusal.code, refusal.detail)));
  app.use('/api/v1', (req, res, next) => {
    res.setHeader('API-Version', API_VERSION);
    restPaths(req, res, next);
  });

  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(deps.openApi);
  });

  app.use('/api/v1', rememberMountPath, deps.api);
  // The root is for people with a browser: the console.
  app.get('/', (_req, res) => {
    res.redirect(302, '/console');
  });
  for (const c of deps.channels ?? []) app.use(c.path, rememberMountPath, c.router);

  app.use((req, _res, next) => {
    // A path that tries to climb out (`..`, also percent-encoded) is an attack, not a typo: logged.
    if (/(^|[/\\])\.\.([/\\]|$)/.test(safeDecode(req.path))) deps.onRefused('path-traversal', { path: safePath(req.path) });
    next(new HttpProblem(404, 'not-found', 'No resource at this path'));
  });

  // Every error leaves as problem+json; unexpected ones without internals.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof HttpProblem) return sendProblem(res, err, req.originalUrl.split('?')[0]);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      deps.onRefused('payload-too-large', { path: safePath(req.path) });
      return sendProblem(res, new HttpProblem(413, 'payload-too-large', 'The request body is larger than this gateway accepts'));
    }
    if (e.type === 'request.aborted') return;
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendProblem(res, new HttpProblem(e.status, 'bad-request', 'The request could not be read'));
    deps.logger.error({ err: e.message, path: safePath(req.path) }, 'unexpected error');
    sendProblem(res, new HttpProblem(500, 'internal-error', 'Something went wrong on our side; nothing was acknowledged'));
  });

  return app;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
