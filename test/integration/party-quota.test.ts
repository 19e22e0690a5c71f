/**
 * A party's rate limit is a quota over the whole deployment: two gateway processes on one
 * PostgreSQL and one Redis (one key prefix) count the party's requests together, on every channel
 * and by every credential, the StUF channel's WS-Security UsernameToken included (it authenticates
 * from the SOAP body, and used to bypass the limiter). Over the quota, each channel answers 429 with
 * Retry-After in its own form.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { hashPassword } from '../../src/parties/passwords.js';
import { projectRoot } from '../../src/util/paths.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { freshPostgresUrl, TEST_REDIS_URL } from '../helpers/stores.js';

const KEY = 'test-key-quota-bo';
const OTHER_KEY = 'test-key-quota-other';
const PASSWORD = 'quota password for the test';
const LIMIT = 6;

function config(): GatewayConfig {
  return {
    parties: [
      {
        id: 'bo-quota', kind: 'backoffice', name: 'Back office with a quota', rateLimitPerMinute: LIMIT,
        credentials: { apiKeys: [{ id: 'k1', sha256: hashApiKey(KEY) }], passwords: [{ id: 'p1', username: 'bo-quota', scrypt: hashPassword(PASSWORD) }] },
        stuf: { organisatie: '0153', applicatie: 'JeugdBO' }, maySend: ['creeerZaak_ZakLk01'],
      },
      { id: 'bo-other', kind: 'backoffice', name: 'Another back office', rateLimitPerMinute: LIMIT, credentials: { apiKeys: [{ id: 'k1', sha256: hashApiKey(OTHER_KEY) }] } },
    ],
    destinations: [],
    routes: [],
  };
}

/** The README's creeerZaak request with a WS-Security UsernameToken (PasswordText) in a SOAP Header. */
function wsSecurityRequest(): string {
  const xml = readFileSync(join(projectRoot(), 'fixtures', 'stuf', 'soap', 'creeerZaak_ZakLk01.soap.xml'), 'utf8');
  const header =
    '<soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    '<wsse:UsernameToken><wsse:Username>bo-quota</wsse:Username>' +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${PASSWORD}</wsse:Password>` +
    '</wsse:UsernameToken></wsse:Security></soapenv:Header>';
  return xml.replace('<soapenv:Body>', `${header}<soapenv:Body>`);
}

describe('a party quota shared by two gateway processes (PostgreSQL + Redis)', () => {
  const prefix = `kp-test-i15-quota-${randomBytes(4).toString('hex')}`;
  const gateways: Gateway[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    const configPath = writeConfig(config());
    const databaseUrl = await freshPostgresUrl();
    const encryptionKey = randomBytes(32).toString('base64');
    // One after the other: the second finds the schema migrated.
    for (let i = 0; i < 2; i++) {
      const env = await testEnv('postgres', 'bullmq', configPath, { DATABASE_URL: databaseUrl, KNOOPPUNT_QUEUE_PREFIX: prefix, KNOOPPUNT_ENCRYPTION_KEY: encryptionKey, KNOOPPUNT_PASSWORD_ATTEMPTS_PER_MINUTE: '1000' });
      const { gateway, baseUrl } = await startGateway(env);
      gateways.push(gateway);
      bases.push(baseUrl);
    }
  }, 60_000);

  afterAll(async () => {
    for (const g of gateways) await g.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:ratelimit:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const rest = (i: number, key = KEY) => fetch(`${bases[i]!}/api/v1/messages`, { headers: { authorization: `Bearer ${key}` } });
  const wss = (i: number) =>
    fetch(`${bases[i]!}/stuf/zds/OntvangAsynchroon`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_ZakLk01"' },
      body: wsSecurityRequest(),
    });

  it('counts REST on both processes and the WS-Security way in together, then refuses in each channel form', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await rest(0)).status);
    for (let i = 0; i < 2; i++) statuses.push((await rest(1)).status);
    // The sixth request of the minute, by UsernameToken: admitted, and counted.
    const sixth = await wss(1);
    await sixth.text();
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(sixth.status).not.toBe(429);

    // The quota is used up on both processes, whatever the credential or channel.
    const overRest = await rest(0);
    expect(overRest.status).toBe(429);
    expect(overRest.headers.get('content-type')).toContain('application/problem+json');
    expect(((await overRest.json()) as { code: string }).code).toBe('too-many-requests');
    expect(Number(overRest.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const overWss = await wss(0);
    const text = await overWss.text();
    expect(overWss.status).toBe(429);
    expect(text).toContain('<faultcode>');
    expect(text).toContain('StUF058');
    expect(overWss.headers.get('retry-after')).toMatch(/^\d+$/);

    expect((await rest(1)).status).toBe(429);
    // Another party has its own quota.
    expect((await rest(1, OTHER_KEY)).status).toBe(200);
  });

  it('logs wrong WS-Security UsernameTokens at a bounded rate, without a party to limit', async () => {
    const before = (await gateways[0]!.log.events({ eventType: 'rejected', limit: 10_000 })).length;
    const wrong = () =>
      fetch(`${bases[0]!}/stuf/zds/OntvangAsynchroon`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_ZakLk01"' },
        body: wsSecurityRequest().replace(PASSWORD, 'not the password'),
      }).then(async (r) => (await r.text(), r.status));
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await wrong());
    expect(new Set(statuses)).toEqual(new Set([500]));
    await new Promise((r) => setTimeout(r, 300));
    const logged = (await gateways[0]!.log.events({ eventType: 'rejected', limit: 10_000 })).slice(before).filter((e) => e.detail.credential === 'ws-security');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.length).toBeLessThanOrEqual(20);
  });

  it('logs the refusal once for the window, although both processes refused', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const events = (await gateways[0]!.log.events({ eventType: 'rejected', limit: 1000 })).filter((e) => e.detail.reason === 'rate-limited');
    expect(events).toHaveLength(1);
    expect(events[0]!.sender).toBe('bo-quota');
  });
});
