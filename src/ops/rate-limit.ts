/**
 * Per-party rate limiting, on rate-limiter-flexible, applied right after authentication on every
 * channel (REST, iStandaarden, StUF, SUWI, GGk, contracten; see `authFor` in gateway.ts, and the
 * WS-Security way into the StUF channel, which authenticates from the SOAP Header and then goes
 * through the same limiter).
 *
 * - The limit comes from `KNOOPPUNT_RATE_LIMIT_PER_MINUTE` (default 600): a party may send that many
 *   requests per fixed window of one minute. A party entry may set its own `rateLimitPerMinute`;
 *   `0` switches the limit off (for the whole gateway or one party).
 * - With Redis configured (`REDIS_URL`) the count lives in Redis (RateLimiterRedis), under the
 *   deployment's key prefix (`KNOOPPUNT_QUEUE_PREFIX`): every gateway process behind the load
 *   balancer counts against the same window, so the limit is a real quota for the party, not N
 *   times the limit. Without Redis the count is in memory (RateLimiterMemory): one process, one quota.
 * - Redis away: the process falls back to its own in-memory count (rate-limiter-flexible's
 *   insurance limiter, used at once instead of queueing commands), so a Redis outage neither blocks
 *   the channels nor lifts every limit. The quota is then per process until Redis is back.
 * - An over-limit request is answered 429 with `Retry-After` (whole seconds until the window ends)
 *   in the channel's own form (see `sendRateLimited`) and is not read any further.
 * - Logged once per window, not per request: the request that first exceeds the limit (consumed =
 *   limit + 1, which exactly one process sees when the count is shared) goes to the process log and
 *   the exchange log; the refusals after it are only counted (metrics, and the count this process
 *   refused in the log line when it lets the party through again). A flood cannot flood the logs.
 * - Other parties are unaffected: every party has its own key.
 */
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { bouwFoutbericht } from '../standards/istandaarden/foutbericht.js';
import { bouwFo02, soapFaultcode } from '../standards/stuf/berichten.js';
import { fout } from '../standards/stuf/foutcodes.js';
import { soapFaultEnvelope } from '../channels/stuf/soap-envelope.js';
import { problemBody, HttpProblem } from '../channels/rest/problem.js';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
const WINDOW_SECONDS = 60;

export type RateDecision = { allowed: true; burstEnded?: { refused: number } } | { allowed: false; retryAfterSeconds: number; firstOfBurst: boolean };

export interface PartyRateLimiterOptions {
  /** Default limit per minute for every party; 0 = no limit. */
  perMinute: number;
  /** Per-party limit; 0 = no limit for that party. */
  overrides?: ReadonlyMap<string, number>;
  /** Shared count in Redis; absent: in memory, per process. */
  redis?: Redis;
  /** Key prefix in Redis (the deployment's), so two deployments on one Redis do not share quotas. */
  keyPrefix?: string;
}

export class PartyRateLimiter {
  /** One limiter per distinct limit (rate-limiter-flexible fixes the points per instance). */
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  /** Refusals this process answered since it last let the party through (for the log line only). */
  private readonly refused = new Map<string, number>();
  readonly store: 'redis' | 'memory';

  constructor(private readonly opts: PartyRateLimiterOptions) {
    this.store = opts.redis ? 'redis' : 'memory';
  }

  limitFor(partyId: string): number {
    return this.opts.overrides?.get(partyId) ?? this.opts.perMinute;
  }

  private limiter(points: number): RateLimiterAbstract {
    let l = this.limiters.get(points);
    if (!l) {
      const keyPrefix = `${this.opts.keyPrefix ?? 'knooppunt'}:ratelimit:party:${points}`;
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
      l = this.opts.redis
        ? new RateLimiterRedis({ storeClient: this.opts.redis, keyPrefix, points, duration: WINDOW_SECONDS, rejectIfRedisNotReady: true, insuranceLimiter: memory })
        : memory;
      this.limiters.set(points, l);
    }
    return l;
  }

  /** Counts one request for the party, or says how long until its window lets one through. */
  async take(partyId: string): Promise<RateDecision> {
    const points = this.limitFor(partyId);
    if (!(points > 0)) return { allowed: true };
    try {
      await this.limiter(points).consume(partyId);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      this.refused.set(partyId, (this.refused.get(partyId) ?? 0) + 1);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)), firstOfBurst: err.consumedPoints === points + 1 };
    }
    const refused = this.refused.get(partyId);
    if (refused) {
      this.refused.delete(partyId);
      return { allowed: true, burstEnded: { refused } };
    }
    return { allowed: true };
  }
}

/** The channels, each refusing in its own form. */
export type RateLimitedChannel = 'rest' | 'istandaarden' | 'stuf' | 'suwi' | 'ggk' | (string & {});

const MELDING = 'Te veel verzoeken van deze partij; probeer het later opnieuw.';

/**
 * Answers an over-limit request: HTTP 429 with Retry-After, in the channel's own form.
 *
 * - REST: problem+json, code `too-many-requests`.
 * - iStandaarden: a transport foutbericht with IB002 and the melding "Te veel verzoeken ...". The
 *   IB-codes of the Fo01 foutcodelijst have no code for throttling, and knooppunt does not invent
 *   IB numbers (a future list entry could give the same number another meaning). IB002 ("niet
 *   geautoriseerd om gebruik te maken van dit knooppunt") is the nearest existing code: at this
 *   moment the party may not use the knooppunt. What makes it honest is that the HTTP status is 429
 *   (not 403), with Retry-After, and the melding says it is temporary: a client can tell it apart
 *   from a real authorisation failure, which is 401/403.
 * - StUF: a SOAP Fault `Server` with a Fo02 StUF058 (plek server: the sender's message is not at
 *   fault and may be sent again unchanged).
 * - SUWI: a SOAP Fault `Server` without an FWI detail: suwi.xsd enumerates the FWI foutcodes and
 *   none of them means "too many requests" (bron-niet-beschikbaar would blame the source).
 * - GGk: a SOAP Fault `Server` as well: a Fo01 answers an envelope, and this one is not read.
 *
 * For both SOAP channels the status is 429, not the 500 that SOAP 1.1 / WS-I BP R1126 ask for a
 * Fault: the refusal happens at the HTTP layer before the SOAP request is read, and 429 +
 * Retry-After is what HTTP clients, proxies and retry policies understand.
 */
export function sendRateLimited(channel: RateLimitedChannel, req: Request, res: Response, retryAfterSeconds: number): void {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  // The body was not read: close the connection rather than drain an upload we refuse.
  if (req.method !== 'GET' && req.method !== 'HEAD') res.setHeader('Connection', 'close');
  res.status(429);
  switch (channel) {
    case 'istandaarden':
      res.type('application/xml').send(bouwFoutbericht({ code: 'IB002', details: [{ melding: `${MELDING} (over ${retryAfterSeconds} s)` }] }));
      return;
    case 'stuf': {
      const f = fout('StUF058', 'te veel verzoeken van deze partij; probeer het later opnieuw');
      res.setHeader('Content-Type', 'text/xml; charset=utf-8');
      res.end(Buffer.from(soapFaultEnvelope(soapFaultcode(f.plek), MELDING, bouwFo02(undefined, f)), 'utf8'));
      return;
    }
    case 'suwi':
    case 'ggk':
      res.setHeader('Content-Type', 'text/xml; charset=utf-8');
      res.end(Buffer.from(soapFaultEnvelope('Server', MELDING), 'utf8'));
      return;
    default: {
      const p = new HttpProblem(429, 'too-many-requests', `Too many requests from this party; retry after ${retryAfterSeconds} s`);
      res.type('application/problem+json').send(JSON.stringify(problemBody(p, req.originalUrl.split('?')[0])));
    }
  }
}

/**
 * Bounds how often refusals that have no party to limit (no or a wrong credential, a malformed
 * HTTP request) are written to the logs: at most `perWindow` per key (e.g. channel + reason) in
 * each window; the rest are counted and reported with the next one that is logged. An
 * unauthenticated flood therefore costs at most a few log writes per window.
 */
export class LogThrottle {
  private readonly windows = new Map<string, { start: number; logged: number; suppressed: number }>();

  constructor(
    private readonly perWindow = 20,
    private readonly windowMs = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** `log`: write this one; `suppressed`: how many were left out since the last one written. */
  take(key: string): { log: boolean; suppressed: number } {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      const suppressed = w?.suppressed ?? 0;
      if (this.windows.size > 1000) this.windows.clear();
      w = { start: now, logged: 0, suppressed: 0 };
      this.windows.set(key, w);
      w.logged = 1;
      return { log: true, suppressed };
    }
    if (w.logged < this.perWindow) {
      w.logged += 1;
      const suppressed = w.suppressed;
      w.suppressed = 0;
      return { log: true, suppressed };
    }
    w.suppressed += 1;
    return { log: false, suppressed: w.suppressed };
  }
}
