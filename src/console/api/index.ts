import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { HttpProblem, problemBody } from '../../channels/rest/problem.js';
import type { GatewayConfig } from '../../config/types.js';
import type { DeliveryQueue } from '../../delivery/queue.js';
import { subjectHash } from '../../log/crypto.js';
import { LogInputError, type ExchangeLog } from '../../log/exchange-log.js';
import type { KeyRing } from '../../log/keys.js';
import type { PurgeProgress, PurgeResult } from '../../retention/purge.js';
import type { Db } from '../../store/db.js';
import { CookiePolicy, readSessionCookie } from '../auth/cookie.js';
import type { ProcessingActivities } from '../../chain/ldv/activities.js';
import { consoleGuard, signedIn } from '../auth/guard.js';
import { verifyPassword } from '../auth/passwords.js';
import { SignInAddressLimiter, SignInThrottle } from '../auth/rate-limit.js';
import { ConsoleSessions } from '../auth/sessions.js';
import { logAdminAction } from './audit.js';
import { citizenReportHtml, escapeHtml, REPORT_CSP } from './citizen-report-page.js';
import { deliveriesRouter } from './deliveries.js';
import { exchangesRouter } from './exchanges.js';
import { operationsRouter } from './operations.js';
import { logCheckRouter } from './log-check.js';
import { optionalText } from './params.js';
import { partiesMatcher, partiesRouter } from './parties.js';
import { ConsoleJobs } from '../jobs.js';
import type { InboundMessage } from '../../core/message.js';
import type { AcceptResult } from '../../core/pipeline.js';
import { jobsRouter } from './jobs.js';
import { citizenReport, processingRegister, registerCsv } from './transparency.js';
import { safePath } from '../../ops/redact.js';

export interface ConsoleDeps {
  db: Db;
  log: ExchangeLog;
  ring: KeyRing;
  config: GatewayConfig;
  queue: Pick<DeliveryQueue, 'enqueue'>;
  /** KNOOPPUNT_RETENTION_DAYS: for the register's rows without their own period. */
  retentionDays: number;
  /** Runs the retention purge now; `trigger` is the console user's id. */
  purge: (trigger: string, progress?: PurgeProgress) => Promise<PurgeResult>;
  logger: Logger;
  /** Certificate expiry per party (partner health). */
  certificates?: { forParty(partyId: string): { expires: string | null; expiringSoon: boolean } };
  /** KNOOPPUNT_CHECKPOINT_FILE: the log-check endpoint also checks the head against it. */
  checkpointFile?: string;
  /** The LDV register of processing activities: the citizen report reads the version each record names. */
  activities?: Pick<ProcessingActivities, 'get'>;
  /** KNOOPPUNT_TRUSTED_PROXIES: only their X-Forwarded-Proto makes the session cookie Secure. */
  trustedProxies?: string[];
  /** Sign-in attempts per client address per minute (default 20). */
  signInPerAddressPerMinute?: number;
  /** More console API routes (behind the session), given the guard and the audit trail. */
  extraRouters?: (ctx: {
    guard: ReturnType<typeof consoleGuard>;
    audit: (req: Request, res: Response, action: 'ldv_read', target: string | null, detail: Record<string, unknown>) => Promise<void>;
  }) => express.Router[];
  /** The pipeline, for reprocessing a rejected message through the current configuration. */
  pipeline?: { accept(msg: InboundMessage): Promise<AcceptResult> };
  /** Long console work with progress (bulk actions, purge); made here when the caller has none. */
  jobs?: ConsoleJobs;
}

function apiHeaders(_req: Request, res: Response, next: NextFunction): void {
  // Answers about persons must not be kept by browsers or proxies, nor be framed or sniffed.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
}

/** JSON only: a request with a body in any other type is refused before it is read. */
function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? '')) {
    throw new HttpProblem(415, 'unsupported-media-type', 'The console API takes application/json');
  }
  next();
}

/** problem+json, with the console's own words for 401 (a cookie session, not a bearer token). */
function problemHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    let p: HttpProblem;
    if (err instanceof HttpProblem) p = err;
    else if (err instanceof LogInputError) p = new HttpProblem(400, 'bad-request', err.message);
    else {
      const e = err as { status?: number; type?: string; message?: string };
      if (e.type === 'entity.too.large') p = new HttpProblem(413, 'payload-too-large', 'The request body is too large');
      else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) p = new HttpProblem(e.status, 'bad-request', 'The request could not be read');
      else {
        logger.error({ err: e.message, path: safePath(req.path) }, 'console API: unexpected error');
        p = new HttpProblem(500, 'internal-error', 'Something went wrong on our side');
      }
    }
    if (p.code === 'signin-locked' && typeof p.extra.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(p.extra.retryAfterSeconds));
    res.status(p.status).type('application/problem+json').send(JSON.stringify(problemBody(p, req.originalUrl.split('?')[0])));
  };
}

/** The admin API of the console, mounted at /console/api (docs/console/api.md). */
export function consoleApi(deps: ConsoleDeps): express.Router {
  const { db, log, ring, config, logger } = deps;
  const users = config.console?.users ?? [];
  const sessions = new ConsoleSessions(db);
  const throttle = new SignInThrottle(db);
  const addressLimit = new SignInAddressLimiter(deps.signInPerAddressPerMinute);
  const guard = consoleGuard(sessions, users);
  const cookies = new CookiePolicy(deps.trustedProxies);
  const router = express.Router();
  router.use(apiHeaders, jsonOnly, express.json({ limit: '16kb', strict: true }));

  router.post('/session', async (req, res) => {
    const body = (req.body ?? {}) as { user?: unknown; password?: unknown };
    if (typeof body.user !== 'string' || typeof body.password !== 'string' || body.user.length > 100 || body.password.length > 1024) {
      throw new HttpProblem(400, 'bad-request', 'Send { "user": "...", "password": "..." } as application/json');
    }
    const ip = req.ip ?? req.socket.remoteAddress ?? '';
    // Per address first, before any lookup or hashing.
    const wait = await addressLimit.take(ip);
    if (wait > 0) throw new HttpProblem(429, 'signin-locked', 'Too many sign-in attempts from this address; try again later', undefined, { retryAfterSeconds: wait });
    const locked = await throttle.lockedFor(body.user, ip);
    if (locked > 0) {
      throw new HttpProblem(429, 'signin-locked', 'Too many failed sign-ins; try again later', undefined, { retryAfterSeconds: locked });
    }
    const user = guard.userById(body.user);
    if (!(await verifyPassword(body.password, user?.passwordHash)) || !user) {
      await throttle.fail(body.user, ip);
      // An unknown id is not logged: people type passwords (or a BSN) into the user field.
      await logAdminAction(log, 'sign_in_failed', user ? { id: user.id, role: user.role } : { id: null, role: null }, null);
      throw new HttpProblem(401, 'invalid-credentials', 'Unknown user or wrong password');
    }
    await throttle.succeed(user.id, ip);
    const { sessionId, csrfToken } = await sessions.create(user.id);
    cookies.set(req, res, sessionId);
    await logAdminAction(log, 'signed_in', user, null);
    res.json({ user: user.id, name: user.name, role: user.role, csrfToken });
  });

  router.get('/session', guard.requireSession, (_req, res) => {
    const { user, csrfToken } = signedIn(res);
    res.json({ user: user.id, name: user.name, role: user.role, csrfToken });
  });

  router.delete('/session', guard.requireSession, async (req, res) => {
    const { user } = signedIn(res);
    await sessions.destroy(readSessionCookie(req));
    cookies.clear(req, res);
    await logAdminAction(log, 'signed_out', user, null);
    res.status(204).end();
  });

  // Everything below needs a session (and, for POST/PUT/DELETE, its CSRF token).
  router.use(guard.requireSession);
  const partiesMatching = partiesMatcher(config);
  const jobs = deps.jobs ?? new ConsoleJobs(db, logger);
  router.use(partiesRouter({ config, guard }));
  router.use(exchangesRouter({ db, log, ring, guard, partiesMatching, ...(deps.pipeline ? { pipeline: deps.pipeline } : {}) }));
  router.use(deliveriesRouter({ db, log, queue: deps.queue, guard, jobs, partiesMatching }));
  router.use(jobsRouter({ jobs, log, guard, purge: deps.purge }));
  for (const extra of deps.extraRouters?.({ guard, audit: (_req, res, action, target, detail) => logAdminAction(log, action, signedIn(res).user, target, detail) }) ?? []) router.use(extra);
  router.use(operationsRouter({ db, config, guard, partiesMatching, ...(deps.certificates ? { certificates: deps.certificates } : {}) }));
  router.use(logCheckRouter({ db, log, ring, guard, checkpointFile: deps.checkpointFile }));

  router.get('/citizen-report', guard.requirePermission('citizenReport'), () => {
    throw new HttpProblem(400, 'bsn-in-url', 'Ask for a citizen report with POST /console/api/citizen-report and { "bsn": "..." }: a BSN is never put in a URL');
  });
  router.post('/citizen-report', guard.requirePermission('citizenReport'), async (req, res) => {
    const bsn = requireBsn((req.body as { bsn?: unknown } | undefined)?.bsn);
    const report = await citizenReport({ db, log, config, ring, ...(deps.activities ? { activities: deps.activities } : {}) }, bsn);
    // The keyed hash identifies whose report was made, for the audit trail, without the BSN.
    await logAdminAction(log, 'citizen_report', signedIn(res).user, `subject/${subjectHash(ring, bsn)}`, { format: 'json', exchanges: report.exchanges.length });
    res.json(report);
  });

  router.get('/processing-register', guard.requirePermission('processingRegister'), async (req, res) => {
    const format = optionalText(req.query.format, 'format') ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new HttpProblem(400, 'bad-request', 'format is json or csv');
    const rows = processingRegister(config, deps.retentionDays);
    await logAdminAction(log, 'register_exported', signedIn(res).user, 'processing-register', { format });
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="verwerkingsregister.csv"');
      res.send(registerCsv(rows));
    } else res.json({ items: rows });
  });

  router.post('/retention/purge', guard.requirePermission('purge'), async (_req, res) => {
    const { user } = signedIn(res);
    const result = await deps.purge(user.id);
    await logAdminAction(log, 'purge', user, 'retention', { purgedPayloads: result.purgedPayloads, purgedSubjectLinks: result.purgedSubjectLinks });
    res.json({ purgedPayloads: result.purgedPayloads, purgedSubjectLinks: result.purgedSubjectLinks, before: result.before });
  });

  router.use(() => {
    throw new HttpProblem(404, 'not-found', 'No such console API resource');
  });
  router.use(problemHandler(logger));
  return router;
}

function requireBsn(value: unknown): string {
  const bsn = optionalText(value, 'bsn');
  if (bsn === undefined || !/^\s*\d[\d\s.-]{6,12}\d\s*$/.test(bsn) || bsn.replace(/\D/g, '').length < 8 || bsn.replace(/\D/g, '').length > 9) {
    throw new HttpProblem(400, 'bad-request', 'bsn must be 8 or 9 digits');
  }
  return bsn;
}

/**
 * GET /console/citizen-report.html?bsn= : the citizen report as a printable page (privacy role).
 * Mounted at /console, next to the UI; answers only this one path.
 */
export function citizenReportPage(deps: ConsoleDeps): express.Router {
  const { db, log, ring, config } = deps;
  const guard = consoleGuard(new ConsoleSessions(db), config.console?.users ?? []);
  const router = express.Router();
  router.get('/citizen-report.html', apiHeaders, guard.requireSession, guard.requirePermission('citizenReport'), () => {
    throw new HttpProblem(400, 'bsn-in-url', 'Open the report from the console form: a BSN is never put in a URL');
  });
  // A plain form POST (the page opens in a new tab): the BSN in the body, the session's CSRF token in a field.
  const form = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 });
  const csrfFromField = (req: Request, _res: Response, next: NextFunction) => {
    const token = (req.body as { csrf?: unknown } | undefined)?.csrf;
    if (typeof token === 'string' && req.get('x-csrf-token') === undefined) req.headers['x-csrf-token'] = token;
    next();
  };
  router.post('/citizen-report.html', apiHeaders, form, csrfFromField, guard.requireSession, guard.requirePermission('citizenReport'), async (req, res) => {
    const bsn = requireBsn((req.body as { bsn?: unknown } | undefined)?.bsn);
    const report = await citizenReport({ db, log, config, ring, ...(deps.activities ? { activities: deps.activities } : {}) }, bsn);
    await logAdminAction(log, 'citizen_report', signedIn(res).user, `subject/${subjectHash(ring, bsn)}`, { format: 'html', exchanges: report.exchanges.length });
    res.setHeader('Content-Security-Policy', REPORT_CSP);
    res.type('text/html; charset=utf-8').send(citizenReportHtml(report));
  });
  router.use('/citizen-report.html', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof HttpProblem)) return next(err);
    res.setHeader('Content-Security-Policy', REPORT_CSP);
    res.status(err.status).type('text/html; charset=utf-8').send(
      `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Overzicht niet beschikbaar</title></head>` +
        `<body><h1>Overzicht niet beschikbaar</h1><p>${escapeHtml(err.detail ?? err.code)}</p></body></html>\n`,
    );
  });
  return router;
}
