/**
 * Per-party rate limiting: a token bucket per authenticated party, applied right after
 * authentication on every channel (REST, iStandaarden, StUF, SUWI; see `authFor` in gateway.ts).
 *
 * - Capacity and refill come from `KNOOPPUNT_RATE_LIMIT_PER_MINUTE` (default 600): a party may send
 *   that many requests at once (the burst) and then that many per minute. A party entry may set its
 *   own `rateLimitPerMinute`; `0` switches the limit off (for the whole gateway or one party).
 * - The buckets live in memory, per process. With several gateway processes behind a load
 *   balancer each process limits separately, so a party gets up to N times the limit in total.
 *   That is deliberate: this is a flood guard that protects the process and the shared database
 *   from one runaway or hostile client, not a contractual quota (which would need a shared store
 *   such as Redis). Memory is bounded: there is one bucket per configured party at most.
 * - An over-limit request is answered 429 with `Retry-After` (whole seconds) in the channel's own
 *   form (see `sendRateLimited`) and is not read any further.
 * - Logged once per burst, not per request: the first refusal of a burst goes to the process log and
 *   the exchange log; the refusals after it are only counted (metrics, and the count in the log line
 *   when the party is let through again). A flood therefore cannot flood the logs.
 * - Other parties are unaffected: every party has its own bucket.
 */
import type { Request, Response } from 'express';
import { bouwFoutbericht } from '../standards/istandaarden/foutbericht.js';
import { bouwFo02, soapFaultcode } from '../standards/stuf/berichten.js';
import { fout } from '../standards/stuf/foutcodes.js';
import { soapFaultEnvelope } from '../channels/stuf/soap-envelope.js';
import { problemBody, HttpProblem } from '../channels/rest/problem.js';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

export type RateDecision = { allowed: true; burstEnded?: { refused: number } } | { allowed: false; retryAfterSeconds: number; firstOfBurst: boolean };

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** Requests refused since the bucket last let one through. */
  refused: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * @param perMinute default capacity (= refill per minute) for every party; 0 = no limit.
   * @param overrides per-party capacity; 0 = no limit for that party.
   */
  constructor(
    private readonly perMinute: number,
    private readonly overrides: ReadonlyMap<string, number> = new Map(),
    private readonly now: () => number = () => Date.now(),
  ) {}

  limitFor(partyId: string): number {
    return this.overrides.get(partyId) ?? this.perMinute;
  }

  /** Takes one token from the party's bucket, or says how long to wait for one. */
  take(partyId: string): RateDecision {
    const capacity = this.limitFor(partyId);
    if (!(capacity > 0)) return { allowed: true };
    const now = this.now();
    const perMs = capacity / 60_000;
    let b = this.buckets.get(partyId);
    if (!b) {
      b = { tokens: capacity, updatedAt: now, refused: 0 };
      this.buckets.set(partyId, b);
    } else {
      b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.updatedAt) * perMs);
      b.updatedAt = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      if (b.refused > 0) {
        const refused = b.refused;
        b.refused = 0;
        return { allowed: true, burstEnded: { refused } };
      }
      return { allowed: true };
    }
    b.refused += 1;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)), firstOfBurst: b.refused === 1 };
  }
}

/** The channels, each refusing in its own form. */
export type RateLimitedChannel = 'rest' | 'istandaarden' | 'stuf' | 'suwi' | (string & {});

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
