/**
 * The per-party limiter (src/ops/rate-limit.ts) on rate-limiter-flexible:
 * - two limiters on one Redis key prefix (two gateway processes) share one quota per party;
 * - two in-memory limiters (no Redis) each count for themselves: the control that shows the sharing;
 * - the refusal that first exceeds the limit is marked once for the whole window, over both processes;
 * - a party override and 0 = off; other parties and other prefixes are not counted together;
 * - Redis away: the limiter counts in memory instead of failing or letting everything through.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import express from 'express';
import request from 'supertest';
import { PartyRateLimiter, sendRateLimited, type RateDecision } from '../../src/ops/rate-limit.js';
import { TEST_REDIS_URL } from '../helpers/stores.js';

const PREFIX = `kp-test-i15-rl-${randomBytes(4).toString('hex')}`;

async function takeN(limiter: PartyRateLimiter, party: string, n: number): Promise<RateDecision[]> {
  const out: RateDecision[] = [];
  for (let i = 0; i < n; i++) out.push(await limiter.take(party));
  return out;
}
const allowed = (ds: RateDecision[]) => ds.filter((d) => d.allowed).length;

describe('PartyRateLimiter', () => {
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    a = new Redis(TEST_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    b = new Redis(TEST_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await Promise.all([a.connect(), b.connect()]);
  });

  afterAll(async () => {
    // Only our own keys: never FLUSHDB on the shared Redis.
    const keys = await a.keys(`${PREFIX}*`);
    if (keys.length) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });

  it('two processes on one Redis prefix share the quota: 5 per minute in total, not 5 each', async () => {
    const p1 = new PartyRateLimiter({ perMinute: 5, redis: a, keyPrefix: `${PREFIX}-shared` });
    const p2 = new PartyRateLimiter({ perMinute: 5, redis: b, keyPrefix: `${PREFIX}-shared` });
    expect(p1.store).toBe('redis');
    const decisions: RateDecision[] = [];
    for (let i = 0; i < 6; i++) {
      decisions.push(await p1.take('bo-1'));
      decisions.push(await p2.take('bo-1'));
    }
    expect(allowed(decisions)).toBe(5);
    const refused = decisions.filter((d): d is Extract<RateDecision, { allowed: false }> => !d.allowed);
    expect(refused).toHaveLength(7);
    // Logged once per window over both processes: exactly one refusal is the first.
    expect(refused.filter((d) => d.firstOfBurst)).toHaveLength(1);
    for (const d of refused) expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    for (const d of refused) expect(d.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another party has its own quota on the same limiters.
    expect(allowed(await takeN(p2, 'bo-2', 5))).toBe(5);
    // Another deployment (prefix) on the same Redis is not counted together.
    expect(allowed(await takeN(new PartyRateLimiter({ perMinute: 5, redis: a, keyPrefix: `${PREFIX}-other` }), 'bo-1', 5))).toBe(5);
  });

  it('without Redis each process counts for itself (the control: 5 each)', async () => {
    const m1 = new PartyRateLimiter({ perMinute: 5 });
    const m2 = new PartyRateLimiter({ perMinute: 5 });
    expect(m1.store).toBe('memory');
    expect(allowed(await takeN(m1, 'bo-1', 6))).toBe(5);
    expect(allowed(await takeN(m2, 'bo-1', 6))).toBe(5);
  });

  it('a party override applies, 0 switches the limit off, and the next allowed request reports the burst', async () => {
    const l = new PartyRateLimiter({ perMinute: 3, overrides: new Map([['ruim', 10], ['vrij', 0]]), redis: a, keyPrefix: `${PREFIX}-overrides` });
    expect(allowed(await takeN(l, 'ruim', 12))).toBe(10);
    expect(allowed(await takeN(l, 'vrij', 50))).toBe(50);
    expect(allowed(await takeN(l, 'gewoon', 5))).toBe(3);
    // The window ends (here: the key is gone, as after 60 s): the first request through says how many this process refused.
    await a.del(`${PREFIX}-overrides:ratelimit:party:3:gewoon`);
    expect(await l.take('gewoon')).toEqual({ allowed: true, burstEnded: { refused: 2 } });
    expect(await l.take('gewoon')).toEqual({ allowed: true });
  });

  it('with Redis away it counts in memory: neither an error nor an open door', async () => {
    const down = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
    down.on('error', () => undefined);
    const l = new PartyRateLimiter({ perMinute: 4, redis: down, keyPrefix: `${PREFIX}-down` });
    expect(allowed(await takeN(l, 'bo-1', 7))).toBe(4);
    down.disconnect();
  });
});

describe('sendRateLimited', () => {
  const app = express();
  app.all('/:channel', (req, res) => sendRateLimited(String(req.params.channel), req, res, 7));

  it.each([
    ['rest', /^application\/problem\+json/, /"code":"too-many-requests"/],
    ['istandaarden', /^application\/xml/, /<Foutcode>IB002<\/Foutcode>.*Te veel verzoeken/],
    ['stuf', /^text\/xml/, /<faultcode>[^<]*Server<\/faultcode>.*StUF058/],
    ['suwi', /^text\/xml/, /<faultcode>[^<]*Server<\/faultcode>/],
    ['ggk', /^text\/xml/, /<faultcode>[^<]*Server<\/faultcode>/],
  ])('answers %s with 429, Retry-After and its own form', async (channel, type, body) => {
    const res = await request(app).post(`/${channel}`).send('x');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['content-type']).toMatch(type);
    expect(res.text.replace(/\n/g, '')).toMatch(body);
  });
});
