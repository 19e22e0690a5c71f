import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const BASE_KEY = 'metricsBasePath';

/**
 * Remembers the path a router is mounted at, for the route label. Express resets req.baseUrl when a
 * request leaves a router, so an answer written by the app-level error handler (a 400, 401, 404 or
 * 500 in problem+json) would otherwise be labelled `/messages` instead of `/api/v1/messages`.
 */
export function rememberMountPath(req: Request, res: Response, next: NextFunction): void {
  res.locals[BASE_KEY] = req.baseUrl;
  next();
}

/** The route pattern that answered (`/api/v1/messages/:id`), never the concrete path; `unmatched` when no route did. */
export function httpRouteLabel(req: Request, res: Response): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  const base = typeof res.locals[BASE_KEY] === 'string' ? (res.locals[BASE_KEY] as string) : req.baseUrl;
  // Refused before any route matched (authentication, a body limit): labelled by the router it reached.
  if (typeof path !== 'string') return base ? `${base}/*` : 'unmatched';
  // A router mounted at its endpoint's own path (a SOAP endpoint) answers at '/': the label is the mount path.
  if (path === '/' && base) return base;
  return `${base}${path}`;
}

/** The authenticated party of a request (res.locals.party, set by every channel's authentication), or `none`. */
export function httpPartyLabel(res: Response): string {
  const party = (res.locals as { party?: { id?: unknown } }).party;
  return typeof party?.id === 'string' ? party.id : 'none';
}

/** Prometheus metrics, one registry per gateway instance (tests run several in one process). */
export class Metrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: 'knooppunt_messages_total',
    help: 'Messages received, by standard, type and outcome',
    labelNames: ['standard', 'message_type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'knooppunt_delivery_attempts_total',
    help: 'Delivery attempts, by destination and result',
    labelNames: ['destination', 'result'] as const,
    registers: [this.registry],
  });
  readonly deliveryDuration = new Histogram({
    name: 'knooppunt_delivery_attempt_seconds',
    help: 'Duration of one delivery attempt',
    labelNames: ['destination'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'knooppunt_rate_limited_total',
    help: 'Requests refused by the per-party rate limit (429), by channel and party',
    labelNames: ['channel', 'party'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'knooppunt_http_request_seconds',
    help: 'HTTP requests, by route pattern, status and authenticated party (none before authentication)',
    labelNames: ['method', 'route', 'status', 'party'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(outboxDepth: () => Promise<{ pending: number; inFlight: number; deadLetter: number; oldestPendingAt: Date | null; oldestPendingAgeSeconds: number }>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'knooppunt_' });
    const depth = new Gauge({
      name: 'knooppunt_outbox_deliveries',
      help: 'Deliveries in the outbox that are not delivered, by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        try {
          const d = await outboxDepth();
          this.set({ status: 'pending' }, d.pending);
          this.set({ status: 'in_flight' }, d.inFlight);
          this.set({ status: 'dead_letter' }, d.deadLetter);
          age.set(d.oldestPendingAgeSeconds);
        } catch {
          // The store being down shows in /health/ready; metrics keep their last values.
        }
      },
    });
    const age = new Gauge({
      name: 'knooppunt_outbox_oldest_pending_seconds',
      help: 'Age of the oldest undelivered delivery',
      registers: [this.registry],
    });
    void depth;
  }
}
